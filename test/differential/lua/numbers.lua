-- integers and floats: overflow wraparound, bitwise ops, conversions, math library
print(math.maxinteger, math.mininteger, math.maxinteger + 1 == math.mininteger)
print(5 // 0.0, -5 // 0.0, 0/0 ~= 0/0, math.huge, -math.huge)
print(pcall(function() return 5 // 0 end))
print(3 & 5, 3 | 5, 3 ~ 5, ~0, 1 << 62, 1 << 64, -1 >> 1)
print(7 // 2, -7 // 2, 7 % 3, -7 % 3, 7.5 % 2, -7.5 % 2)
print(math.floor(-3.5), math.ceil(-3.5), math.abs(-4), math.max(3, 9, 1), math.min(3, 9, 1))
print(math.fmod(7, 3), math.fmod(-7, 3), math.sqrt(2), math.exp(1), math.log(8, 2), math.log(100, 10))
print(math.sin(0), math.cos(0), math.type(1), math.type(1.0), math.type("1"))
print(tonumber("0x10"), tonumber("  12  "), tonumber("1e3"), tonumber("z", 36), tonumber("abc"), tonumber("10", 2))
print(string.format("%.17g", 0.1 + 0.2), 1e308 * 10, 2^53 + 1)
print(math.ult(1, -1), 10 == 10.0, "10" + 5, "3" * "4", 10 .. 20)
math.randomseed(42)
local r = {}
for i = 1, 5 do r[i] = math.random(1, 1000) end
print(#r, math.random() < 1)
local acc = 0
for i = 1, 1000000 do acc = (acc * 31 + i) % 1000000007 end
print("acc", acc)
local f = 0.0
for i = 1, 1000 do f = f + 1 / i end
print(string.format("%.12f", f))
