-- objects with metatables: classes, inheritance, operators, __call, __eq, __lt, __concat
local Vec = {}
Vec.__index = Vec
function Vec.new(x, y) return setmetatable({x = x, y = y}, Vec) end
Vec.__add = function(a, b) return Vec.new(a.x + b.x, a.y + b.y) end
Vec.__mul = function(a, k) return Vec.new(a.x * k, a.y * k) end
Vec.__eq = function(a, b) return a.x == b.x and a.y == b.y end
Vec.__lt = function(a, b) return a:len2() < b:len2() end
Vec.__le = function(a, b) return a:len2() <= b:len2() end
Vec.__tostring = function(v) return "(" .. v.x .. "," .. v.y .. ")" end
Vec.__concat = function(a, b) return tostring(a) .. tostring(b) end
Vec.__unm = function(a) return Vec.new(-a.x, -a.y) end
function Vec:len2() return self.x * self.x + self.y * self.y end
local a, b = Vec.new(1, 2), Vec.new(3, 4)
print(tostring(a + b), tostring(a * 3), a == Vec.new(1, 2), a < b, b <= a, a .. b, tostring(-a))
local Animal = {}
Animal.__index = Animal
function Animal.new(name) return setmetatable({name = name}, Animal) end
function Animal:speak() return self.name .. " makes a sound" end
local Dog = setmetatable({}, {__index = Animal})
Dog.__index = Dog
function Dog.new(name) local d = Animal.new(name); return setmetatable(d, Dog) end
function Dog:speak() return self.name .. " barks; " .. Animal.speak(self) end
print(Dog.new("rex"):speak(), Animal.new("cat"):speak())
local callable = setmetatable({}, {__call = function(self, x, y) return x * y, self end})
print((callable(6, 7)))
local proxy = setmetatable({}, {__index = string})
print(proxy.upper("proxy"))
local ro = setmetatable({}, {__newindex = function() error("read-only", 2) end})
print(pcall(function() ro.x = 1 end))
print(rawequal(a, a), rawlen({1, 2, 3}), rawget(Vec, "new") ~= nil)
