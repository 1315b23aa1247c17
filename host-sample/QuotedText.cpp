#include "QuotedText.h"

#include <cstdio>

namespace Falcon {
namespace Host {

std::string printable(const std::string& untrusted)
{
	std::string text;
	text.reserve(untrusted.size());
	for (const char c : untrusted)
	{
		const auto byte = static_cast<unsigned char>(c);
		if (byte >= 0x20 && byte < 0x7F)
		{
			text += c;
			continue;
		}
		switch (c)
		{
		case '\n': text += "\\n"; break;
		case '\r': text += "\\r"; break;
		case '\t': text += "\\t"; break;
		default:
		{
			char escaped[5];
			std::snprintf(escaped, sizeof(escaped), "\\x%02x", byte);
			text += escaped;
		}
		}
	}
	return text;
}

std::string quoted(const std::string& untrusted, std::size_t limit)
{
	if (untrusted.size() <= limit) return "'" + printable(untrusted) + "'";
	return "'" + printable(untrusted.substr(0, limit)) + "...' (" + std::to_string(untrusted.size()) + " characters)";
}

}
} // namespace Falcon::Host
