#include "falcon/oauth2/net/ProxySettings.h"

#include "falcon/oauth2/net/Endpoint.h"
#include "falcon/oauth2/core/Error.h"

#include <Poco/Environment.h>
#include <Poco/String.h>
#include <Poco/StringTokenizer.h>
#include <Poco/URI.h>

namespace Falcon {
namespace OAuth2 {

ProxySettings ProxySettings::parse(const std::string& url, const std::string& field)
{
	const std::string value = Poco::trim(url);
	if (value.empty()) return {};
	Poco::URI uri;
	try
	{
		uri = Poco::URI(value.find("://") == std::string::npos ? "http://" + value : value);
	}
	catch (const Poco::Exception&)
	{
		// The URL may carry a password: say what is wrong without repeating it.
		throw InvalidInputException(field + ": not a valid proxy URL");
	}
	if (Poco::toLower(uri.getScheme()) != "http")
		throw InvalidInputException(
			field + ": only http:// proxies are supported (https targets are tunnelled with CONNECT)");
	ProxySettings proxy;
	proxy.host = uri.getHost();
	if (proxy.host.empty()) throw InvalidInputException(field + ": the proxy URL has no host");
	proxy.port = uri.getSpecifiedPort() ? uri.getPort() : 1080;
	const std::string userInfo = uri.getUserInfo();
	const auto colon = userInfo.find(':');
	Poco::URI::decode(userInfo.substr(0, colon), proxy.username);
	if (colon != std::string::npos) Poco::URI::decode(userInfo.substr(colon + 1), proxy.password);
	return proxy;
}

bool ProxySettings::bypassed(const std::string& noProxy, const std::string& targetHost)
{
	const std::string host = Poco::toLower(targetHost);
	Poco::StringTokenizer entries(
		noProxy, ",", Poco::StringTokenizer::TOK_TRIM | Poco::StringTokenizer::TOK_IGNORE_EMPTY);
	for (std::string entry : entries)
	{
		if (entry == "*") return true;
		entry = Poco::toLower(entry);
		const auto colon = entry.rfind(':');
		if (colon != std::string::npos && entry.find(':') == colon) entry.erase(colon); // host:port
		if (!entry.empty() && entry.front() == '.') entry.erase(0, 1);
		if (host == entry) return true;
		if (Poco::endsWith(host, "." + entry)) return true; // a subdomain of it
	}
	return false;
}

ProxySettings ProxySettings::fromEnvironment(const std::string& targetHost)
{
	if (isLoopbackHost(targetHost)) return {};
	const std::string noProxy = Poco::Environment::get("NO_PROXY", Poco::Environment::get("no_proxy", ""));
	if (bypassed(noProxy, targetHost)) return {};
	const std::string proxy = Poco::Environment::get("HTTPS_PROXY", Poco::Environment::get("https_proxy", ""));
	return parse(proxy, "HTTPS_PROXY");
}

}
} // namespace Falcon::OAuth2
