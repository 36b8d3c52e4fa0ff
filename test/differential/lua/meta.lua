-- metatables and the core language: every metamethod, goto, varargs,
-- integer/float arithmetic edges, math, coercions
local V = {}
V.__index = V
local function vec(x, y) return setmetatable({x = x, y = y}, V) end
V.__add = function(a, b) return vec(a.x + b.x, a.y + b.y) end
V.__sub = function(a, b) return vec(a.x - b.x, a.y - b.y) end
V.__mul = function(a, k) return type(k) == "number" and vec(a.x * k, a.y * k) or a.x * k.x + a.y * k.y end
V.__unm = function(a) return vec(-a.x, -a.y) end
V.__eq = function(a, b) return a.x == b.x and a.y == b.y end
V.__lt = function(a, b) return a.x * a.x + a.y * a.y < b.x * b.x + b.y * b.y end
V.__le = function(a, b) return not (b < a) end
V.__len = function(a) return math.sqrt(a.x * a.x + a.y * a.y) end
V.__tostring = function(a) return ("(%g, %g)"):format(a.x, a.y) end
V.__concat = function(a, b) return tostring(a) .. tostring(b) end
V.__call = function(a, k) return a.x * k end
V.__idiv = function(a, k) return vec(a.x // k, a.y // k) end
V.__band = function(a, b) return vec(a.x & b.x, a.y & b.y) end
V.__shl = function(a, k) return vec(a.x << k, a.y << k) end
V.__bnot = function(a) return vec(~a.x, ~a.y) end
local a, b = vec(3, 4), vec(1, 2)
print(tostring(a + b), tostring(a - b), a * b, tostring(a * 2), tostring(-a))
print(a == vec(3, 4), a ~= b, b < a, a <= b, #a, a .. b, a(10))
print(tostring(a // 2), tostring(a & b), tostring(b << 3), tostring(~b))
local log = {}
local proxy = setmetatable({}, {
  __index = function(_, k) log[#log + 1] = "get " .. k; return k:upper() end,
  __newindex = function(t, k, v) log[#log + 1] = "set " .. k; rawset(t, k, v * 2) end,
})
proxy.a = 21
print(proxy.a, proxy.zz, rawget(proxy, "zz"), table.concat(log, ","))
local chain = setmetatable({}, {__index = setmetatable({mid = "m"}, {__index = {deep = "d"}})})
print(chain.mid, chain.deep, chain.none)
-- goto and loops
local out = {}
for i = 1, 3 do
  for j = 1, 3 do
    if j == 2 then goto continue end
    out[#out + 1] = i * 10 + j
    ::continue::
  end
end
print(table.concat(out, " "))
do
  local k = 0
  ::top:: k = k + 1
  if k < 5 then goto top end
  print("k", k)
end
-- varargs
local function va(...)
  local t = table.pack(...)
  return t.n, select("#", ...), select(-1, ...), (select(2, ...))
end
print(va(1, nil, 3, nil))
print(table.unpack({1, 2, 3}, 2), table.unpack({1, 2, 3}, 2, 5))
-- integers and floats
print(math.maxinteger + 1 == math.mininteger, math.mininteger // -1, math.maxinteger * 2)
print(7 // 0.0, -7 // 0.0, 0/0 ~= 0/0, pcall(function() return 1 // 0 end))
print(3 % -2, -3 % 2, 5.5 % 2, -5.5 % 2, 2^53 == 2^53 + 1, 1e308 * 10)
print(math.type(1), math.type(1.0), math.type("1"), 1 == 1.0, "10" + 5, "3" * "4", 10 .. 20)
print(math.floor(-3.5), math.ceil(-3.5), math.abs(math.mininteger), math.fmod(-7, 3), math.ult(1, -1))
print(string.format("%.14g %.14g %.14g", math.pi, math.exp(1), math.log(1000, 10)))
print(tonumber("0x10"), tonumber("  12  "), tonumber("1e2"), tonumber("z", 36), tonumber("10", 2), tonumber("abc"))
print(string.format("%.3f", 0.1 + 0.2), 1e15, 1e16, 123456789012345678)
for i = math.maxinteger - 2, math.maxinteger do io.write(i, " ") end
print()
for x = 1.0, 2.0, 0.25 do io.write(x, " ") end
print()
math.randomseed(42)
local r = {}
for i = 1, 5 do r[i] = math.random(1, 1000) end
print(table.concat(r, " "), math.random() < 1, pcall(math.random, 2, 1))
