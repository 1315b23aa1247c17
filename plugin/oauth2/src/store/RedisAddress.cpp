#include "falcon/oauth2/store/RedisAddress.h"

#include "falcon/oauth2/core/Error.h"
#include "falcon/oauth2/net/Endpoint.h"

#include <Poco/NumberParser.h>
#include <Poco/String.h>
#include <Poco/URI.h>

namespace Falcon {
namespace OAuth2 {

namespace {

/// Redis numbers its databases from 0; servers are configured with 16 unless told otherwise.
constexpr unsigned MAX_DATABASE = 1000000;

unsigned databaseOf(const std::string& text, const std::string& field)
{
	unsigned database = 0;
	if (text.empty()) return 0;
	if (text.find_first_not_of("0123456789") != std::string::npos
		|| !Poco::NumberParser::tryParseUnsigned(text, database) || database > MAX_DATABASE)
		throw InvalidInputException(
			field + ": the database must be a number from 0 (redis://HOST:PORT/DB), not \"" + text + "\"");
	return database;
}

[[noreturn]] void refusePasswordIn(const std::string& field)
{
	throw InvalidInputException(field
		+ ": a password in the URL is refused (URLs end up in process lists and logs); give it as "
		  "token_cache_password, FALCON_TOKEN_CACHE_PASSWORD or the token cache's \"password\"");
}

/// rediss://'s query: the TLS files, each an absolute path, the client's certificate and key
/// together or not at all.
void readTlsFiles(RedisAddress& address, const Poco::URI& uri, const std::string& field)
{
	for (const auto& parameter : uri.getQueryParameters())
	{
		std::string* into = parameter.first == "ca_bundle" ? &address.caBundle
			: parameter.first == "client_cert"             ? &address.clientCert
			: parameter.first == "client_key"              ? &address.clientKey
														   : nullptr;
		if (!into)
			throw InvalidInputException(
				field + ": a rediss:// URL takes only ?ca_bundle=PATH, client_cert=PATH and client_key=PATH");
		if (parameter.second.empty() || parameter.second.front() != '/')
			throw InvalidInputException(field + ": " + parameter.first + " must be an absolute path");
		*into = parameter.second;
	}
	if (address.clientCert.empty() != address.clientKey.empty())
		throw InvalidInputException(field + ": client_cert and client_key go together (mutual TLS needs both)");
}

} // namespace

RedisAddress RedisAddress::parse(const std::string& url, const std::string& field)
{
	// Before parsing: a password holding '/' or '#' would not even parse as one.
	const auto authority = url.find("://");
	const auto at = url.rfind('@');
	if (authority != std::string::npos && at != std::string::npos && at > authority
		&& url.find(':', authority + 3) < at)
		refusePasswordIn(field);
	Poco::URI uri;
	try
	{
		uri = Poco::URI(url);
	}
	catch (const Poco::Exception&)
	{
		throw InvalidInputException(field + ": not a URL (redis://HOST:PORT/DB or unix:///PATH)");
	}
	const std::string scheme = Poco::toLower(uri.getScheme());
	// Decoded: "user%3Apassword" is a password too (Poco keeps the user information encoded).
	std::string userInfo;
	Poco::URI::decode(uri.getUserInfo(), userInfo);
	if (userInfo.find(':') != std::string::npos) refusePasswordIn(field);
	if (!uri.getFragment().empty()) throw InvalidInputException(field + ": a fragment (#...) means nothing here");

	RedisAddress address;
	address.username = userInfo;
	if (scheme == "redis" || scheme == "rediss")
	{
		if (uri.getHost().empty()) throw InvalidInputException(field + ": no host (" + scheme + "://HOST:PORT/DB)");
		address.tls = scheme == "rediss";
		if (address.tls) readTlsFiles(address, uri, field);
		else if (!uri.getRawQuery().empty())
			throw InvalidInputException(field + ": a query (?...) means nothing in a redis:// URL");
		address.host = uri.getHost();
		address.port = uri.getPort() ? uri.getPort() : 6379;
		std::string path = uri.getPath();
		if (!path.empty() && path.front() == '/') path.erase(0, 1);
		address.database = databaseOf(path, field);
	}
	else if (scheme == "unix")
	{
		if (!uri.getHost().empty())
			throw InvalidInputException(field + ": a Unix socket URL has no host: unix:///PATH (three slashes)");
		if (uri.getPath().size() < 2) throw InvalidInputException(field + ": no socket path (unix:///PATH)");
		address.socketPath = uri.getPath();
		const std::string query = uri.getRawQuery();
		if (!query.empty() && query.compare(0, 3, "db=") != 0)
			throw InvalidInputException(field + ": the only query a unix:// URL takes is ?db=DB");
		if (!query.empty()) address.database = databaseOf(query.substr(3), field);
	}
	else
	{
		throw InvalidInputException(field + ": must be redis://HOST:PORT/DB, rediss://HOST:PORT/DB or unix:///PATH");
	}
	return address;
}

std::string RedisAddress::str() const
{
	const std::string user = username.empty() ? "" : username + "@";
	if (local()) return "unix://" + user + socketPath + (database ? "?db=" + std::to_string(database) : "");
	const std::string shownHost = host.find(':') != std::string::npos ? "[" + host + "]" : host;
	std::string query;
	for (const auto& [name, path] : {std::pair<const char*, const std::string&>{"ca_bundle", caBundle},
			 {"client_cert", clientCert}, {"client_key", clientKey}})
	{
		if (!path.empty()) query += (query.empty() ? "?" : "&") + std::string(name) + "=" + path;
	}
	return (tls ? "rediss://" : "redis://") + user + shownHost + ":" + std::to_string(port) + "/"
		+ std::to_string(database) + query;
}

bool RedisAddress::inClear() const
{
	return !tls && !local() && !isLoopbackHost(host);
}

}
} // namespace Falcon::OAuth2
