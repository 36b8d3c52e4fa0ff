-- garbage collector: weak tables, finalizers, collectgarbage options, many allocations
collectgarbage("stop"); collectgarbage("restart")
print(collectgarbage("isrunning"))
local weak = setmetatable({}, {__mode = "v"})
do
  for i = 1, 100 do weak[i] = {i} end
end
collectgarbage(); collectgarbage()
local n = 0
for _ in pairs(weak) do n = n + 1 end
print("weak values left", n)
local order = {}
do
  for i = 1, 5 do setmetatable({}, {__gc = function() order[#order + 1] = i end}) end
end
collectgarbage(); collectgarbage()
table.sort(order)
print("finalized", table.concat(order, ","))
local keep = {}
for i = 1, 200000 do
  local t = {i, tostring(i), {i}}
  if i % 1000 == 0 then keep[#keep + 1] = t end
end
print(#keep, keep[1][2], keep[200][3][1])
collectgarbage("generational")
for i = 1, 100000 do local _ = {i} end
collectgarbage("incremental")
for i = 1, 100000 do local _ = string.rep("a", i % 50) end
collectgarbage()
print(collectgarbage("count") > 0, collectgarbage("step", 0) ~= nil)
local ephem = setmetatable({}, {__mode = "k"})
do local k = {}; ephem[k] = {k} end
collectgarbage(); collectgarbage()
print("ephemeron", next(ephem) == nil)
