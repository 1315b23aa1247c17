#include "falcon/oauth2/net/Endpoint.h"

#include "falcon/oauth2/core/Error.h"

#include <Poco/String.h>
#include <Poco/URI.h>

#include <arpa/inet.h>

namespace Falcon {
namespace OAuth2 {

bool isLoopbackHost(const std::string& host)
{
	// Parsed with the C library rather than Poco::Net, which only a request needs: inet_aton
	// reads IPv4 the way Poco does (127.1 included), inet_pton IPv6 (a zone id is no part of it).
	if (Poco::icompare(host, "localhost") == 0) return true;
	in_addr v4{};
	if (::inet_aton(host.c_str(), &v4)) return (ntohl(v4.s_addr) >> 24) == 127;
	in6_addr v6{};
	return ::inet_pton(AF_INET6, host.substr(0, host.find('%')).c_str(), &v6) == 1 && IN6_IS_ADDR_LOOPBACK(&v6);
}

Endpoint Endpoint::parse(const std::string& url, const std::string& field)
{
	Poco::URI uri;
	try
	{
		uri = Poco::URI(url);
	}
	catch (const Poco::Exception&)
	{
		throw InvalidInputException(field + ": not a valid URL");
	}
	Endpoint endpoint;
	endpoint.scheme = Poco::toLower(uri.getScheme());
	if (endpoint.scheme != "https" && endpoint.scheme != "http")
		throw InvalidInputException(
			field + ": the URL must start with https:// (got scheme '" + endpoint.scheme + "')");
	if (!uri.getUserInfo().empty())
		throw InvalidInputException(
			field + ": the URL must not carry user information (credentials do not belong in URLs)");
	if (!uri.getRawQuery().empty() || !uri.getFragment().empty())
		throw InvalidInputException(field + ": the URL must not have a query or fragment");
	endpoint.host = uri.getHost();
	if (endpoint.host.empty()) throw InvalidInputException(field + ": the URL has no host");
	if (endpoint.scheme == "http" && !isLoopbackHost(endpoint.host))
		throw InvalidInputException(field
			+ ": plain http:// is allowed only for loopback hosts; it would send the client secret in clear to "
			+ endpoint.host);
	endpoint.port = uri.getPort();
	endpoint.path = uri.getPath();
	if (!endpoint.path.empty() && endpoint.path.back() == '/') endpoint.path.pop_back();
	return endpoint;
}

bool Endpoint::sameHost(const Endpoint& other) const
{
	return Poco::icompare(host, other.host) == 0;
}

bool Endpoint::sameOrigin(const Endpoint& other) const
{
	return scheme == other.scheme && sameHost(other) && port == other.port;
}

std::string Endpoint::origin() const
{
	std::string result = scheme + "://";
	result += host.find(':') != std::string::npos ? "[" + host + "]" : host;
	const Poco::UInt16 defaultPort = secure() ? 443 : 80;
	if (port != defaultPort) result += ":" + std::to_string(port);
	return result;
}

Endpoint Endpoint::withPath(const std::string& newPath) const
{
	Endpoint endpoint = *this;
	endpoint.path = newPath;
	return endpoint;
}

}
} // namespace Falcon::OAuth2
