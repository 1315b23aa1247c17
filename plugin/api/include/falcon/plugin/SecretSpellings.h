#pragma once

#include <Poco/URI.h>

#include <algorithm>
#include <array>
#include <string>
#include <vector>

namespace Falcon {
namespace Plugin {

/// A character that every URL and form encoding leaves as it is (RFC 3986's unreserved). A
/// table: a token's every character is asked, for every token a run or a session meets.
inline bool isUnreserved(char c)
{
	static constexpr auto UNRESERVED = [] {
		std::array<bool, 256> table{};
		for (int i = 0; i < 256; ++i)
		{
			table[static_cast<std::size_t>(i)] = (i >= 'a' && i <= 'z') || (i >= 'A' && i <= 'Z')
				|| (i >= '0' && i <= '9') || i == '_' || i == '.' || i == '-' || i == '~';
		}
		return table;
	}();
	return UNRESERVED[static_cast<unsigned char>(c)];
}

/// True when every spelling of `value` is `value` itself (unreserved characters only: a JWT's, an
/// opaque token's), so that it needs no other.
inline bool isItsOnlySpelling(const std::string& value)
{
	// Every character looked at, without a branch each: the answer is nearly always yes (a
	// token's kilobyte is asked about once per step that sees it), so stopping early saves nothing.
	bool unreserved = true;
	for (const char c : value) unreserved &= isUnreserved(c);
	return unreserved;
}

/// `value` as an application/x-www-form-urlencoded body carries it: unreserved characters as
/// they are, space as '+', the rest %XX (the encoding Python's requests uses, byte for byte).
inline std::string formEncoded(const std::string& value)
{
	static const char HEX[] = "0123456789ABCDEF";
	std::string encoded;
	encoded.reserve(value.size());
	for (unsigned char c : value)
	{
		if (isUnreserved(static_cast<char>(c)))
		{
			encoded += static_cast<char>(c);
		}
		else if (c == ' ')
		{
			encoded += '+';
		}
		else
		{
			encoded += '%';
			encoded += HEX[c >> 4];
			encoded += HEX[c & 0x0F];
		}
	}
	return encoded;
}

/// Every spelling a secret value takes in text that may be printed or logged: as it is,
/// form-encoded (a request body), percent-encoded (a URL's user info) and JSON-escaped (as Poco
/// writes strings: `"`, `\` and `/` escaped). The plugin's Redactor and a host's mask both use
/// these, so both hide a secret in the same places. Distinct, in no particular order.
inline std::vector<std::string> secretSpellings(const std::string& value)
{
	if (isItsOnlySpelling(value)) return {value};
	std::string percentEncoded;
	Poco::URI::encode(value, "!#$&'()*+,/:;=?@[]", percentEncoded);
	std::string jsonEscaped;
	for (char c : value)
	{
		if (c == '"' || c == '\\' || c == '/') jsonEscaped += '\\';
		jsonEscaped += c;
	}
	std::vector<std::string> spellings{value, formEncoded(value), percentEncoded, jsonEscaped};
	std::sort(spellings.begin(), spellings.end());
	spellings.erase(std::unique(spellings.begin(), spellings.end()), spellings.end());
	return spellings;
}

}
} // namespace Falcon::Plugin
