#include "UrlPassword.h"

#include <Poco/Exception.h>
#include <Poco/URI.h>

namespace Falcon {
namespace Host {

std::string withUrlPasswordMasked(const std::string& text)
{
	const auto scheme = text.find("://");
	if (scheme == std::string::npos) return text;
	// The last '@': a password may hold an unencoded '@' or '/', which a URL parser would misread.
	const auto at = text.rfind('@');
	if (at == std::string::npos || at < scheme + 3) return text;
	std::string userInfo;
	try
	{
		Poco::URI::decode(text.substr(scheme + 3, at - scheme - 3), userInfo);
	}
	catch (const Poco::Exception&)
	{
		userInfo = text.substr(scheme + 3, at - scheme - 3);
	}
	const auto colon = userInfo.find(':');
	if (colon == std::string::npos) return text;
	return text.substr(0, scheme + 3) + userInfo.substr(0, colon) + ":***" + text.substr(at);
}

}
} // namespace Falcon::Host
