-- algorithms: quicksort, sieve, string building, a small interpreter loop
local function qsort(t, lo, hi)
  if lo < hi then
    local p, i = t[hi], lo - 1
    for j = lo, hi - 1 do
      if t[j] <= p then i = i + 1; t[i], t[j] = t[j], t[i] end
    end
    t[i + 1], t[hi] = t[hi], t[i + 1]
    qsort(t, lo, i); qsort(t, i + 2, hi)
  end
end
local seed = 12345
local function rnd() seed = (seed * 1103515245 + 12345) % 2147483648; return seed end
local t = {}
for i = 1, 5000 do t[i] = rnd() % 100000 end
qsort(t, 1, #t)
local sorted = true
for i = 2, #t do if t[i - 1] > t[i] then sorted = false end end
print("qsort", sorted, t[1], t[2500], t[5000])
local N = 100000
local sieve, count = {}, 0
for i = 2, N do
  if not sieve[i] then count = count + 1; for j = i * i, N, i do sieve[j] = true end end
end
print("primes", count)
local prog = {{"push", 5}, {"push", 7}, {"add"}, {"push", 3}, {"mul"}, {"dup"}, {"mul"}, {"print"}}
local stack = {}
for _, ins in ipairs(prog) do
  local op = ins[1]
  if op == "push" then stack[#stack + 1] = ins[2]
  elseif op == "add" then local b = table.remove(stack); stack[#stack] = stack[#stack] + b
  elseif op == "mul" then local b = table.remove(stack); stack[#stack] = stack[#stack] * b
  elseif op == "dup" then stack[#stack + 1] = stack[#stack]
  elseif op == "print" then print("vm", stack[#stack]) end
end
local parts = {}
for i = 1, 1000 do parts[#parts + 1] = i % 7 == 0 and "fizz" or tostring(i) end
local s = table.concat(parts, ",")
print(#s, s:sub(1, 30))
local goto_count = 0
for i = 1, 10 do
  for j = 1, 10 do
    if j > i then goto next_i end
    goto_count = goto_count + 1
  end
  ::next_i::
end
print("goto", goto_count)
