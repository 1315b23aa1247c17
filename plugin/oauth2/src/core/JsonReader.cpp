#include "falcon/oauth2/core/JsonReader.h"

#include "falcon/plugin/JsonValues.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/JSONException.h>
#include <Poco/JSON/Object.h>
#include <Poco/NumberParser.h>

#include <cstring>

namespace Falcon {
namespace OAuth2 {

namespace {

class Reader
{
public:
	explicit Reader(const std::string& text): _begin(text.data()), _at(text.data()), _end(text.data() + text.size()) {}

	Poco::Dynamic::Var document()
	{
		skipSpace();
		Poco::Dynamic::Var top;
		if (_at != _end && *_at == '{') top = object(1);
		else if (_at != _end && *_at == '[') top = array(1);
		else fail(_at == _end ? "unexpected end of text" : "the text is not a JSON object or array");
		skipSpace();
		if (_at != _end) fail("excess characters after the JSON value");
		return top;
	}

private:
	[[noreturn]] void fail(const char* what) const
	{
		throw Poco::JSON::JSONException(std::string(what) + " at byte " + std::to_string(_at - _begin));
	}

	void skipSpace()
	{
		while (_at != _end && (*_at == ' ' || *_at == '\n' || *_at == '\r' || *_at == '\t')) ++_at;
	}

	/// Skips space, then the character `c`, which must come next.
	void expect(char c, const char* what)
	{
		skipSpace();
		if (_at == _end || *_at != c) fail(what);
		++_at;
	}

	Poco::Dynamic::Var value(unsigned depth)
	{
		skipSpace();
		if (_at == _end) fail("unexpected end of text");
		switch (*_at)
		{
		case '{': return object(depth + 1);
		case '[': return array(depth + 1);
		case '"': return string();
		case 't': literal("true"); return true;
		case 'f': literal("false"); return false;
		case 'n': literal("null"); return Poco::Dynamic::Var();
		default: return number();
		}
	}

	Poco::JSON::Object::Ptr object(unsigned depth)
	{
		if (depth > JsonReader::MAX_DEPTH) fail("nested too deeply");
		++_at; // {
		Poco::JSON::Object::Ptr object = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
		skipSpace();
		if (_at != _end && *_at == '}')
		{
			++_at;
			return object;
		}
		for (std::size_t members = 1;; ++members)
		{
			skipSpace();
			if (members > JsonReader::MAX_MEMBERS)
				fail(("more than " + std::to_string(JsonReader::MAX_MEMBERS) + " members in one object").c_str());
			if (_at == _end || *_at != '"') fail("expected a member name");
			const std::string key = string();
			expect(':', "expected ':' after a member name");
			Plugin::Json::put(*object, key, value(depth));
			skipSpace();
			if (_at == _end) fail("unexpected end of text");
			const char next = *_at++;
			if (next == '}') return object;
			if (next != ',') fail("expected ',' or '}' after a member");
		}
	}

	Poco::JSON::Array::Ptr array(unsigned depth)
	{
		if (depth > JsonReader::MAX_DEPTH) fail("nested too deeply");
		++_at; // [
		Poco::JSON::Array::Ptr array = new Poco::JSON::Array;
		skipSpace();
		if (_at != _end && *_at == ']')
		{
			++_at;
			return array;
		}
		for (;;)
		{
			array->add(value(depth));
			skipSpace();
			if (_at == _end) fail("unexpected end of text");
			const char next = *_at++;
			if (next == ']') return array;
			if (next != ',') fail("expected ',' or ']' after an element");
		}
	}

	void literal(const char* word)
	{
		const std::size_t length = std::strlen(word);
		if (static_cast<std::size_t>(_end - _at) < length || std::memcmp(_at, word, length) != 0)
			fail("unexpected word in a value");
		_at += length;
	}

	/// A number as RFC 8259 spells it, converted as Poco's parser converts one: with a fraction or
	/// an exponent a double, else an Int64 or, when too large for one, a UInt64.
	Poco::Dynamic::Var number()
	{
		const char* start = _at;
		if (_at != _end && *_at == '-') ++_at;
		if (_at == _end || !digit(*_at)) fail("unexpected character in a value");
		if (*_at == '0') ++_at;
		else skipDigits();
		bool whole = true;
		if (_at != _end && *_at == '.')
		{
			whole = false;
			++_at;
			if (_at == _end || !digit(*_at)) fail("expected a digit after '.'");
			skipDigits();
		}
		if (_at != _end && (*_at == 'e' || *_at == 'E'))
		{
			whole = false;
			++_at;
			if (_at != _end && (*_at == '+' || *_at == '-')) ++_at;
			if (_at == _end || !digit(*_at)) fail("expected a digit in an exponent");
			skipDigits();
		}
		const std::string text(start, _at);
		if (!whole) return Poco::NumberParser::parseFloat(text);
		Poco::Int64 signedValue = 0;
		if (Poco::NumberParser::tryParse64(text, signedValue)) return signedValue;
		return Poco::NumberParser::parseUnsigned64(text);
	}

	static bool digit(char c) { return c >= '0' && c <= '9'; }

	void skipDigits()
	{
		while (_at != _end && digit(*_at)) ++_at;
	}

	std::string string()
	{
		++_at; // "
		std::string text;
		for (;;)
		{
			// Plain bytes in one piece, up to a quote, an escape, a control or a non-ASCII byte.
			const char* run = _at;
			while (_at != _end && *_at != '"' && *_at != '\\' && static_cast<unsigned char>(*_at) >= 0x20
				&& static_cast<unsigned char>(*_at) < 0x80)
				++_at;
			text.append(run, _at);
			if (_at == _end) fail("unterminated string");
			const unsigned char c = static_cast<unsigned char>(*_at);
			if (c == '"')
			{
				++_at;
				return text;
			}
			if (c == '\\') escape(text);
			else if (c < 0x20) fail("unescaped control character in a string");
			else utf8(text);
		}
	}

	void escape(std::string& text)
	{
		++_at; // backslash
		if (_at == _end) fail("unterminated string");
		switch (*_at++)
		{
		case '"': text += '"'; break;
		case '\\': text += '\\'; break;
		case '/': text += '/'; break;
		case 'b': text += '\b'; break;
		case 'f': text += '\f'; break;
		case 'n': text += '\n'; break;
		case 'r': text += '\r'; break;
		case 't': text += '\t'; break;
		case 'u':
		{
			unsigned code = hex4();
			if (code >= 0xDC00 && code <= 0xDFFF) fail("dangling low surrogate");
			if (code >= 0xD800 && code <= 0xDBFF)
			{
				if (_end - _at < 2 || _at[0] != '\\' || _at[1] != 'u') fail("high surrogate without its low half");
				_at += 2;
				const unsigned low = hex4();
				if (low < 0xDC00 || low > 0xDFFF) fail("high surrogate without its low half");
				code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
			}
			appendUtf8(text, code);
			break;
		}
		default: --_at; fail("invalid escape");
		}
	}

	unsigned hex4()
	{
		if (_end - _at < 4) fail("unterminated \\u escape");
		unsigned code = 0;
		for (int i = 0; i < 4; ++i, ++_at)
		{
			const char c = *_at;
			code <<= 4;
			if (c >= '0' && c <= '9') code |= static_cast<unsigned>(c - '0');
			else if (c >= 'a' && c <= 'f') code |= static_cast<unsigned>(c - 'a' + 10);
			else if (c >= 'A' && c <= 'F') code |= static_cast<unsigned>(c - 'A' + 10);
			else fail("invalid \\u escape");
		}
		return code;
	}

	static void appendUtf8(std::string& text, unsigned code)
	{
		if (code < 0x80)
		{
			text += static_cast<char>(code);
		}
		else if (code < 0x800)
		{
			text += static_cast<char>(0xC0 | (code >> 6));
			text += static_cast<char>(0x80 | (code & 0x3F));
		}
		else if (code < 0x10000)
		{
			text += static_cast<char>(0xE0 | (code >> 12));
			text += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
			text += static_cast<char>(0x80 | (code & 0x3F));
		}
		else
		{
			text += static_cast<char>(0xF0 | (code >> 18));
			text += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
			text += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
			text += static_cast<char>(0x80 | (code & 0x3F));
		}
	}

	/// One multi-byte UTF-8 sequence, copied once checked (RFC 3629: no overlong forms, no
	/// surrogates, nothing past U+10FFFF).
	void utf8(std::string& text)
	{
		const auto byte = [this](std::ptrdiff_t i) { return static_cast<unsigned char>(_at[i]); };
		const unsigned char lead = byte(0);
		std::ptrdiff_t length = 0;
		unsigned char low = 0x80, high = 0xBF; // the second byte's range
		if (lead >= 0xC2 && lead <= 0xDF) length = 2;
		else if (lead >= 0xE0 && lead <= 0xEF)
		{
			length = 3;
			if (lead == 0xE0) low = 0xA0;
			if (lead == 0xED) high = 0x9F;
		}
		else if (lead >= 0xF0 && lead <= 0xF4)
		{
			length = 4;
			if (lead == 0xF0) low = 0x90;
			if (lead == 0xF4) high = 0x8F;
		}
		else fail("invalid UTF-8");
		if (_end - _at < length) fail("invalid UTF-8");
		if (byte(1) < low || byte(1) > high) fail("invalid UTF-8");
		for (std::ptrdiff_t i = 2; i < length; ++i)
		{
			if (byte(i) < 0x80 || byte(i) > 0xBF) fail("invalid UTF-8");
		}
		text.append(_at, static_cast<std::size_t>(length));
		_at += length;
	}

	const char* const _begin;
	const char* _at;
	const char* const _end;
};

} // namespace

Poco::Dynamic::Var JsonReader::read(const std::string& text)
{
	return Reader(text).document();
}

}
} // namespace Falcon::OAuth2
