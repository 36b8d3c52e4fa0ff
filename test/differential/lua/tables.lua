-- tables: array and hash parts, length, next/pairs order made deterministic, table library
local t = {}
for i = 1, 100 do t[i] = i * i end
print(#t, t[1], t[50], t[100])
table.insert(t, 1, 0)
table.remove(t, 50)
print(#t, t[1], t[50], t[#t])
local h = {}
for i = 1, 200 do h["k" .. i] = i end
h.k7 = nil
local keys = {}
for k in pairs(h) do keys[#keys + 1] = k end
table.sort(keys)
print(#keys, keys[1], keys[2], keys[#keys])
local sum = 0
for _, v in ipairs(t) do sum = sum + v end
print("sum", sum)
print(table.concat({1, 2, 3, "x", 4.5}, ","))
print(table.unpack({10, 20, 30}, 2))
local m = table.move({1, 2, 3, 4, 5}, 2, 4, 1, {})
print(#m, m[1], m[3])
local nested = {a = {b = {c = {d = "deep"}}}}
print(nested.a.b.c.d)
local mt = setmetatable({}, {__index = function(_, k) return k .. "!" end,
                              __newindex = function(tt, k, v) rawset(tt, k, v * 2) end,
                              __len = function() return 42 end})
mt.x = 21
print(mt.x, mt.y, #mt)
local s = {5, 2, 8, 1, 9, 3, 7}
table.sort(s, function(a, b) return a > b end)
print(table.concat(s, " "))
