-- closures, upvalues shared between closures, varargs, recursion
local function counter()
  local n = 0
  return function() n = n + 1; return n end, function() return n end
end
local inc, get = counter()
for _ = 1, 10 do inc() end
print("counter", get())
local fns = {}
for i = 1, 5 do fns[i] = function() return i * 10 end end
print(fns[1](), fns[3](), fns[5]())
local function compose(f, g) return function(...) return f(g(...)) end end
local add1 = function(x) return x + 1 end
local dbl = function(x) return x * 2 end
print(compose(add1, dbl)(20), compose(dbl, add1)(20))
local function va(...)
  local n = select("#", ...)
  local t = {...}
  return n, t[n], select(2, ...)
end
print(va(1, nil, 3, "four"))
local function fib(n) if n < 2 then return n end return fib(n - 1) + fib(n - 2) end
print("fib", fib(24))
local function tail(n, acc) if n == 0 then return acc end return tail(n - 1, acc + n) end
print("tail", tail(100000, 0))
local memo = setmetatable({}, {__mode = "k"})
local function memoize(f)
  return function(x)
    local c = memo[f]
    if not c then c = {}; memo[f] = c end
    if c[x] == nil then c[x] = f(x) end
    return c[x]
  end
end
local sq = memoize(function(x) return x * x end)
print(sq(12), sq(12))
