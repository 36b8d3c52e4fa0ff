-- heavier work: sieve, n-queens, a JSON-like encoder/decoder round trip,
-- sorting with comparators, string buffers, deep recursion, many closures
local function sieve(n)
  local composite, count = {}, 0
  for i = 2, n do
    if not composite[i] then
      count = count + 1
      for j = i * i, n, i do composite[j] = true end
    end
  end
  return count
end
print("primes", sieve(200000))
local function queens(n)
  local cols, d1, d2, sols = {}, {}, {}, 0
  local function place(r)
    if r > n then sols = sols + 1; return end
    for c = 1, n do
      if not cols[c] and not d1[r + c] and not d2[r - c + n] then
        cols[c], d1[r + c], d2[r - c + n] = true, true, true
        place(r + 1)
        cols[c], d1[r + c], d2[r - c + n] = nil, nil, nil
      end
    end
  end
  place(1)
  return sols
end
print("queens", queens(8))
local function encode(v)
  local t = type(v)
  if t == "table" then
    if #v > 0 then
      local parts = {}
      for i = 1, #v do parts[i] = encode(v[i]) end
      return "[" .. table.concat(parts, ",") .. "]"
    end
    local keys = {}
    for k in pairs(v) do keys[#keys + 1] = k end
    table.sort(keys)
    local parts = {}
    for i, k in ipairs(keys) do parts[i] = string.format("%q:%s", k, encode(v[k])) end
    return "{" .. table.concat(parts, ",") .. "}"
  elseif t == "string" then
    return string.format("%q", v)
  else
    return tostring(v)
  end
end
local function decode(s)
  local pos = 1
  local value
  local function ws() pos = s:find("[^ \n]", pos) or #s + 1 end
  local function str()
    local e = pos + 1
    while true do
      local c = s:sub(e, e)
      if c == "\\" then e = e + 2 elseif c == '"' then break else e = e + 1 end
    end
    local r = load("return " .. s:sub(pos, e))()
    pos = e + 1
    return r
  end
  function value()
    ws()
    local c = s:sub(pos, pos)
    if c == "[" then
      pos = pos + 1
      local arr = {}
      ws()
      if s:sub(pos, pos) == "]" then pos = pos + 1; return arr end
      repeat
        arr[#arr + 1] = value(); ws()
        local sep = s:sub(pos, pos); pos = pos + 1
      until sep == "]"
      return arr
    elseif c == "{" then
      pos = pos + 1
      local obj = {}
      repeat
        ws(); local k = str(); ws(); pos = pos + 1
        obj[k] = value(); ws()
        local sep = s:sub(pos, pos); pos = pos + 1
      until sep == "}"
      return obj
    elseif c == '"' then
      return str()
    else
      local num = s:match("^-?[%d.e+-]+", pos)
      if num then pos = pos + #num; return tonumber(num) end
      local w = s:match("^%a+", pos); pos = pos + #w
      return w == "true"
    end
  end
  return value()
end
local data = {}
for i = 1, 300 do
  data[i] = {id = i, name = "item" .. i, tags = {"t" .. i % 7, "u" .. i % 3}, ok = i % 2 == 0,
             price = i * 1.25, note = 'quote " and \\ back'}
end
local text = encode(data)
local back = decode(text)
print("json", #text, encode(back) == text, back[123].name, back[300].price)
math.randomseed(7)
local nums = {}
for i = 1, 30000 do nums[i] = math.random(1, 1000000) end
table.sort(nums, function(x, y) return x > y end)
local sorted = true
for i = 2, #nums do sorted = sorted and nums[i - 1] >= nums[i] end
print("sort", sorted, nums[1], nums[#nums])
print(pcall(table.sort, {3, 1, 2, 5, 4, 6, 9, 8, 7, 10, 11, 12}, function() return true end))
local buf = {}
for i = 1, 20000 do buf[#buf + 1] = string.char(65 + i % 26) end
local s = table.concat(buf)
local counts = {}
for c in s:gmatch(".") do counts[c] = (counts[c] or 0) + 1 end
print("chars", #s, counts.A, counts.Z, s:find("XYZ", 1, true))
local function ack(m, n)
  if m == 0 then return n + 1 end
  if n == 0 then return ack(m - 1, 1) end
  return ack(m - 1, ack(m, n - 1))
end
print("ackermann", ack(2, 300), ack(3, 5))
local adders = {}
for i = 1, 10000 do adders[i] = function(x) return x + i end end
local total = 0
for i = 1, #adders do total = adders[i](total) end
print("closures", total)
local co_total = 0
for i = 1, 2000 do
  local co = coroutine.wrap(function(a) local b = coroutine.yield(a * 2); return a + b end)
  co_total = co_total + co(i) + co(1)
end
print("coroutines", co_total)
