-- bytecode: string.dump and load (ldump.c/lundump.c), chunks from strings and
-- reader functions, environments, syntax errors (raised with longjmp in the parser)
local function make(k)
  local up = k * 2
  return function(x, ...) return x + up + select("#", ...) end
end
local f = make(5)
for _, strip in ipairs({false, true}) do
  local code = string.dump(function(a, b) local t = {a, b, a .. b}; return #t, t[3] end, strip)
  local g = assert(load(code, "dumped", "b"))
  print(strip, g("x", "y"))
end
local g = load(string.dump(f))
print(pcall(g, 1)) -- the upvalue is nil in the loaded copy
print(select(2, load(string.dump(f), "t-only", "t")))
local parts, i = {"return ", "1 ", "+ ", "41"}, 0
print(load(function() i = i + 1; return parts[i] end)())
local env = {x = 3}
print(load("x = x * 7; return x", "env", "t", env)(), env.x)
for _, src in ipairs({"return +", "local = 1", "x = }", "for i = 1 do end",
                      "goto nowhere", "return 'unfinished", "local a <const> = 1; a = 2",
                      "break", string.rep("(", 300) .. "1" .. string.rep(")", 300)}) do
  local fn, err = load(src, "=src")
  print(fn ~= nil, err)
end
-- a chunk with many constants and nested functions
local lines = {"local t = {}"}
for k = 1, 300 do lines[#lines + 1] = ("t[%d] = function(x) return x * %d + %q end"):format(k, k, "c" .. k) end
lines[#lines + 1] = "return t"
local t = assert(load(table.concat(lines, "\n")))()
local code = string.dump(function() return t end)
print(#t, pcall(t[17], 2), pcall(t[300], 1.5))
print(type(code), #code > 0)
