-- coroutines: generators, passing values both ways, wrap, status, errors inside
local function gen(n)
  return coroutine.wrap(function()
    for i = 1, n do coroutine.yield(i) end
  end)
end
local acc = {}
for v in gen(8) do acc[#acc + 1] = v end
print(table.concat(acc, ","))
local co = coroutine.create(function(a, b)
  print("start", a, b)
  local c = coroutine.yield(a + b)
  print("got", c)
  local d, e = coroutine.yield(c * 2)
  print("got", d, e)
  return "done", a + b + c + d + e
end)
print(coroutine.resume(co, 1, 2))
print(coroutine.status(co))
print(coroutine.resume(co, 10))
print(coroutine.resume(co, 3, 4))
print(coroutine.status(co), coroutine.resume(co))
local bad = coroutine.create(function() error("boom") end)
print(coroutine.resume(bad))
-- producer/consumer
local prod = coroutine.create(function()
  for _, w in ipairs({"alpha", "beta", "gamma"}) do coroutine.yield(w) end
  return nil
end)
while true do
  local ok, w = coroutine.resume(prod)
  if not w then break end
  io.write(w, " ")
end
print()
local main_co, is_main = coroutine.running()
print(coroutine.isyieldable(), type(main_co), is_main)
local nested = coroutine.wrap(function()
  local inner = coroutine.wrap(function() coroutine.yield("inner1"); coroutine.yield("inner2") end)
  coroutine.yield(inner()); coroutine.yield(inner()); coroutine.yield("outer")
end)
print(nested(), nested(), nested())
