-- load, string chunks, environments, os/io basics with deterministic output
local f = load("local a, b = ...; return a * b + x", "chunk", "t", {x = 100})
print(f(6, 7))
local parts = {"return ", "1 ", "+ ", "41"}
local i = 0
print(load(function() i = i + 1; return parts[i] end)())
print(load("syntax error here"))
local env = {print = print}
local g = load("y = 5; return y", "env", "t", env)
print(g(), env.y, rawget(_G, "y"))
print(type(os.time()), type(os.clock()), os.getenv("HCU_DIFF_NO_SUCH_VAR"))
print(os.date("!%Y-%m-%d %H:%M:%S", 86400 * 365))
local tmp = os.tmpname()
local fh = assert(io.open(tmp, "w"))
fh:write("line one\n", "line two\n", 12345, "\n")
fh:close()
for line in io.lines(tmp) do io.write("[", line, "]") end
print()
fh = assert(io.open(tmp, "r"))
print(fh:read("l"), fh:read("n"), fh:seek("end"))
fh:close()
os.remove(tmp)
print(io.open("/nonexistent/hcu/file") == nil)
print(string.format("%s %s", type(io.stdout), io.type(io.stdout)))
print(next({}), type(next), select(-1, 1, 2, 3))
print(string.dump ~= nil, #arg, arg[0] ~= nil)
print(_VERSION)
