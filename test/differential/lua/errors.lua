-- errors: pcall, xpcall with traceback-free handler, error objects, levels, close
print(pcall(function() error("plain message", 0) end))
local okc, ec = pcall(function() error({code = 42}) end)
print(okc, type(ec), ec.code)
local ok, e = pcall(function() error(setmetatable({}, {__tostring = function() return "custom" end})) end)
print(ok, tostring(e))
print(xpcall(function() local x = nil; return x.y end, function(m) return "handled: " .. tostring(m):gsub("^.-:%d+: ", "") end))
print(pcall(error))
print(select("#", pcall(function() return 1, 2, 3 end)))
local function lvl() error("level two", 2) end
print(pcall(function() lvl() end))
print(pcall(string.rep))
print(pcall(function() return 1 + {} end))
print(pcall(function() return #5 end))
print(pcall(function() return ("x"):bad() end))
local depth = 0
local function deep() depth = depth + 1; return deep() + 1 end
local ok2, msg = pcall(deep)
print(ok2, (tostring(msg):gsub("^.-:%d+: ", "")), depth > 1000)
do
  local log = {}
  local ok3 = pcall(function()
    local a <close> = setmetatable({}, {__close = function() log[#log + 1] = "closed a" end})
    local b <close> = setmetatable({}, {__close = function(_, err) log[#log + 1] = "closed b " .. tostring(err):gsub("^.-:%d+: ", "") end})
    error("inside")
  end)
  print(ok3, table.concat(log, "; "))
end
print(pcall(coroutine.wrap(function() error("in coroutine") end)))
local t = setmetatable({}, {__index = function(_, k) error("no field " .. k) end})
print(pcall(function() return t.missing end))
print(string.format("%s", select(2, load("return +"))))
