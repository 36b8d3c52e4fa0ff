-- string library: format, patterns, gsub, byte/char, rep, pack
print(string.format("%5d|%-5s|%05.2f|%x|%q", 42, "ab", 3.14159, 255, "a\nb\"c"))
print(("hello world"):upper(), ("Hello"):lower(), ("abc"):rep(3, "-"))
print(string.find("the quick brown fox", "qu(%a+)"))
print(string.match("key = value", "(%w+)%s*=%s*(%w+)"))
local words = {}
for w in string.gmatch("one two  three   four", "%a+") do words[#words + 1] = w end
print(#words, table.concat(words, "|"))
print(string.gsub("hello world", "o", "0"))
print(string.gsub("abc", "%w", "%0%0"))
print(string.gsub("$name is $age", "%$(%w+)", {name = "lua", age = 30}))
print(string.byte("ABC", 1, 3), string.char(72, 105))
print(#string.rep("x", 1000), ("abcdef"):sub(2, -2), ("abcdef"):sub(-3))
print(string.reverse("stressed"))
local p = string.pack("<i4 d s1", 7, 2.5, "hi")
print(#p, string.unpack("<i4 d s1", p))
print(tostring(1e100), tostring(-0.0), 7 // 2, 7 % -3, 2^10, 10 / 4, math.tointeger(3.0))
print(string.format("%g %g %g", 1/3, 1e20, 123456789012))
local big = {}
for i = 1, 2000 do big[i] = string.format("%04d", i) end
local s = table.concat(big)
print(#s, s:sub(1, 12), select(2, s:gsub("00", "")))
print(utf8.char(72, 228, 8364, 128512), utf8.len("häll€"))
for _, c in utf8.codes("aé€") do io.write(c, " ") end
print()
