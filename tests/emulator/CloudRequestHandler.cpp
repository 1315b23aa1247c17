#include "CloudRequestHandler.h"

#include <Poco/Base64Decoder.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/Net/HTMLForm.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/NumberFormatter.h>
#include <Poco/NumberParser.h>
#include <Poco/String.h>
#include <Poco/URI.h>
#include <Poco/UUIDGenerator.h>

#include <sstream>

namespace Falcon {
namespace Emulator {

namespace {

const std::string TOKEN_ROUTE = "/oauth2/token";
const std::string REVOKE_ROUTE = "/oauth2/revoke";
const std::string PROBE_ROUTE = "/devices/queries/devices/v1";
const std::string SCROLL_ROUTE = "/devices/queries/devices-scroll/v1";
const std::string DETAILS_ROUTE = "/devices/entities/devices/v2";
/// What an offset of the scroll query looks like: opaque to clients, a position here.
const std::string SCROLL_PREFIX = "scroll:";

/// The scheme and credentials of an Authorization header; the scheme compared case-insensitively.
std::string credentialsOf(const Poco::Net::HTTPServerRequest& request, const std::string& scheme)
{
	const std::string value = request.get("Authorization", "");
	if (value.size() <= scheme.size() || Poco::icompare(value.substr(0, scheme.size()), scheme) != 0
		|| value[scheme.size()] != ' ')
		return {};
	return Poco::trim(value.substr(scheme.size() + 1));
}

std::string decodeBase64(const std::string& text)
{
	try
	{
		std::istringstream in(text);
		Poco::Base64Decoder decoder(in);
		std::string decoded;
		decoder >> std::noskipws;
		char c;
		while (decoder.get(c)) decoded += c;
		return decoded;
	}
	catch (const Poco::Exception&)
	{
		return {};
	}
}

} // namespace

CloudRequestHandler::CloudRequestHandler(std::shared_ptr<EmulatorState> state, std::string cloud):
	_state(std::move(state)), _cloud(std::move(cloud)),
	_traceId(Poco::UUIDGenerator::defaultGenerator().createRandom().toString()),
	_started(std::chrono::steady_clock::now())
{
}

std::optional<CloudRequestHandler::Form> CloudRequestHandler::parseForm(const std::string& body)
{
	try
	{
		Poco::Net::HTMLForm form;
		form.read(body);
		return Form(form.begin(), form.end());
	}
	catch (const Poco::Exception&)
	{
		return std::nullopt; // a malformed escape, or more fields than a form has
	}
}

std::string CloudRequestHandler::field(const Form& form, const std::string& name)
{
	for (const auto& entry : form)
	{
		if (entry.first == name) return entry.second;
	}
	return {};
}

CloudRequestHandler::Form CloudRequestHandler::masked(const Form& form)
{
	Form result = form;
	for (auto& entry : result)
	{
		if (entry.first == "client_secret" || entry.first == "token") entry.second = "***";
	}
	return result;
}

CloudRequestHandler::Reply CloudRequestHandler::token(
	const Poco::Net::HTTPServerRequest& request, const std::string& body, LoggedRequest& entry)
{
	const auto decision = _state->limiter.admit(_cloud + " " + entry.source); // each cloud counts on its own
	if (!decision.allowed) return rateLimited(decision);
	const std::vector<std::pair<std::string, std::string>> limits{{"X-Ratelimit-Limit", std::to_string(decision.limit)},
		{"X-Ratelimit-Remaining", std::to_string(decision.remaining)}};

	if (request.getContentType().rfind("application/x-www-form-urlencoded", 0) != 0)
		return meta(400, "the request body must be application/x-www-form-urlencoded", limits);
	const auto form = parseForm(body);
	if (!form) return meta(400, "malformed form body", limits);
	entry.form = masked(*form);
	const std::string clientId = field(*form, "client_id");
	const std::string secret = field(*form, "client_secret");
	const std::string memberCid = field(*form, "member_cid");
	if (clientId.empty() || secret.empty()) return meta(400, "client_id and client_secret are required", limits);

	const auto client = _state->options.clients.find(clientId);
	if (!client || client->clientSecret != secret) return meta(403, "access denied, invalid client", limits);
	if (!client->allowsIp(entry.source)) return meta(403, "access denied, authorization failed", limits);

	std::string home = client->cloud;
	try
	{
		home = FalconEmulator::canonicalCloud(home);
	}
	catch (const Poco::Exception&)
	{
		return meta(500, "Failed to issue token", limits);
	}
	if (home != _cloud)
	{
		// A gov cloud knows no commercial credentials; a commercial cloud answers gov credentials
		// with an empty 201 (FalconPy reads that as "Region autodiscovery failure"); between
		// commercial clouds the client is sent home with a 308.
		if (FalconEmulator::isGovCloud(_cloud)) return meta(403, "access denied, invalid client", limits);
		Reply reply;
		reply.headers = limits;
		reply.headers.emplace_back("X-Cs-Traceid", _traceId);
		reply.contentType.clear();
		if (FalconEmulator::isGovCloud(home))
		{
			reply.status = 201;
			return reply;
		}
		const auto it = _state->baseUrls.find(home);
		const std::string homeUrl =
			it != _state->baseUrls.end() ? it->second : OAuth2::RegionTable::falcon().find(home)->baseUrl;
		reply.status = 308;
		reply.headers.emplace_back("Location", homeUrl + TOKEN_ROUTE);
		reply.headers.emplace_back("X-Cs-Region", home);
		return reply;
	}
	if (!memberCid.empty() && !client->allowsMember(memberCid))
		return meta(400, "Failed to generate access token for clientID=" + clientId, limits);

	const std::string issued = _state->tokens.issue(clientId, memberCid, _cloud, _state->options.expiresIn);
	Poco::JSON::Object::Ptr tokenBody = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
	tokenBody->set("access_token", issued);
	tokenBody->set("expires_in", static_cast<Poco::Int64>(_state->options.expiresIn.count()));
	tokenBody->set("token_type", std::string("bearer"));
	Reply reply;
	reply.status = 201;
	reply.headers = {{"X-Cs-Region", _cloud}};
	reply.headers.insert(reply.headers.end(), limits.begin(), limits.end());
	reply.body = jsonText(tokenBody);
	return reply;
}

CloudRequestHandler::Reply CloudRequestHandler::revoke(
	const Poco::Net::HTTPServerRequest& request, const std::string& body, LoggedRequest& entry)
{
	const auto form = parseForm(body);
	if (!form) return meta(400, "malformed form body");
	entry.form = masked(*form);
	const std::string credentials = decodeBase64(credentialsOf(request, "basic"));
	const auto colon = credentials.find(':');
	const auto client =
		colon == std::string::npos ? std::nullopt : _state->options.clients.find(credentials.substr(0, colon));
	if (!client || client->clientSecret != credentials.substr(colon + 1))
		return meta(403, "access denied, invalid client");
	const std::string token = field(*form, "token");
	if (token.empty()) return meta(400, "token is required");
	_state->tokens.revoke(token);
	return meta(200, "");
}

CloudRequestHandler::Reply CloudRequestHandler::probe(const Poco::Net::HTTPServerRequest& request,
	const std::string& path, const std::string& body, const LoggedRequest& entry)
{
	const std::string bearer = credentialsOf(request, "bearer");
	if (bearer.empty() || _state->tokens.check(bearer, _cloud) != TokenStore::State::Valid)
	{
		// Requests without a valid token have their own, much smaller limit per address.
		const auto decision = _state->unauthenticatedLimiter.admit(_cloud + " " + entry.source);
		if (!decision.allowed) return rateLimited(decision);
		return meta(401, "access denied, invalid bearer token");
	}
	if (path == DETAILS_ROUTE) return deviceDetails(request, body);
	return deviceQuery(request, path == SCROLL_ROUTE);
}

/// Device IDs, a page of them at a time: by a number (the probe) or by the opaque offset the
/// previous page gave (the scroll query; `filter` is accepted, every device matches).
CloudRequestHandler::Reply CloudRequestHandler::deviceQuery(
	const Poco::Net::HTTPServerRequest& request, bool scroll) const
{
	unsigned limit = 100;
	unsigned offset = 0;
	const unsigned maxLimit = scroll ? 10000 : 5000;
	for (const auto& parameter : Poco::URI(request.getURI()).getQueryParameters())
	{
		unsigned value = 0;
		if (parameter.first == "limit")
		{
			if (!Poco::NumberParser::tryParseUnsigned(parameter.second, value) || value < 1 || value > maxLimit)
				return meta(400, "limit must be an integer between 1 and " + std::to_string(maxLimit));
			limit = value;
		}
		else if (parameter.first == "offset" && !(scroll && parameter.second.empty()))
		{
			const std::string position = scroll && parameter.second.rfind(SCROLL_PREFIX, 0) == 0
				? parameter.second.substr(SCROLL_PREFIX.size())
				: parameter.second;
			if ((scroll && position == parameter.second) || !Poco::NumberParser::tryParseUnsigned(position, value))
				return meta(400,
					scroll ? "offset must be an offset a previous page returned"
						   : "offset must be a non-negative integer");
			offset = value;
		}
	}
	const std::vector<std::string>& devices = deviceIds();
	Poco::JSON::Array::Ptr found = new Poco::JSON::Array;
	for (std::size_t i = offset; i < devices.size() && i < std::size_t(offset) + limit; ++i) found->add(devices[i]);
	Poco::JSON::Object::Ptr pagination = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
	const unsigned next = std::min<unsigned>(offset + limit, static_cast<unsigned>(devices.size()));
	if (scroll) pagination->set("offset", SCROLL_PREFIX + std::to_string(next));
	else pagination->set("offset", offset);
	pagination->set("limit", limit);
	pagination->set("total", static_cast<unsigned>(devices.size()));
	return resources(found, pagination);
}

/// Each known device asked for, by `ids` in the query (GET) or in a JSON body (POST); 404 when
/// none is known.
CloudRequestHandler::Reply CloudRequestHandler::deviceDetails(
	const Poco::Net::HTTPServerRequest& request, const std::string& body) const
{
	std::vector<std::string> ids;
	if (request.getMethod() == "POST")
	{
		try
		{
			const auto object = Poco::JSON::Parser().parse(body).extract<Poco::JSON::Object::Ptr>();
			const auto list = object ? object->getArray("ids") : nullptr;
			if (!list) return meta(400, "the body must be a JSON object with an \"ids\" array");
			for (std::size_t i = 0; i < list->size(); ++i)
				ids.push_back(list->getElement<std::string>(static_cast<unsigned>(i)));
		}
		catch (const Poco::Exception&)
		{
			return meta(400, "the body must be a JSON object with an \"ids\" array");
		}
	}
	else
	{
		for (const auto& parameter : Poco::URI(request.getURI()).getQueryParameters())
		{
			if (parameter.first == "ids") ids.push_back(parameter.second);
		}
	}
	if (ids.empty() || ids.size() > 5000) return meta(400, "ids: between 1 and 5000 device IDs");
	const std::vector<std::string>& devices = deviceIds();
	Poco::JSON::Array::Ptr found = new Poco::JSON::Array;
	for (const std::string& id : ids)
	{
		const auto known = std::find(devices.begin(), devices.end(), id);
		if (known == devices.end()) continue;
		const auto number = known - devices.begin() + 1;
		Poco::JSON::Object::Ptr device = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
		device->set("device_id", id);
		device->set("cid", std::string(32, 'c'));
		device->set("hostname", "emulated-host-" + std::to_string(number));
		device->set("platform_name", std::string(number % 2 ? "Linux" : "Windows"));
		device->set("os_version", std::string(number % 2 ? "Debian 12" : "Windows Server 2022"));
		device->set("local_ip", "10.0.0." + std::to_string(number));
		device->set("status", std::string("normal"));
		device->set("agent_version", std::string("7.10.0"));
		found->add(device);
	}
	if (found->size() == 0) return meta(404, "no device found for the ids given");
	return resources(found);
}

CloudRequestHandler::Reply CloudRequestHandler::resources(
	const Poco::JSON::Array::Ptr& found, const Poco::JSON::Object::Ptr& pagination) const
{
	Reply reply = meta(200, "");
	auto body = Poco::JSON::Parser().parse(reply.body).extract<Poco::JSON::Object::Ptr>();
	if (pagination) body->getObject("meta")->set("pagination", pagination);
	body->set("resources", found);
	reply.body = jsonText(body);
	return reply;
}

const std::vector<std::string>& CloudRequestHandler::deviceIds()
{
	static const std::vector<std::string> ids = [] {
		std::vector<std::string> made;
		// 32 hex digits, as a device ID is.
		for (unsigned i = 1; i <= 5; ++i) made.push_back(Poco::NumberFormatter::formatHex(i * 0x1111u, 32));
		return made;
	}();
	return ids;
}

std::string CloudRequestHandler::jsonText(const Poco::Dynamic::Var& value)
{
	std::ostringstream out;
	Poco::JSON::Stringifier::condense(value, out);
	return out.str();
}

void CloudRequestHandler::handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response)
{
	LoggedRequest entry;
	entry.cloud = _cloud;
	entry.method = request.getMethod();
	entry.source = request.clientAddress().host().toString();
	for (const auto& header : request)
		entry.headers.emplace_back(header.first,
			Poco::icompare(header.first, "Authorization") == 0 ? RequestLog::maskAuthorization(header.second)
															   : header.second);
	std::string path;
	try
	{
		path = Poco::URI(request.getURI()).getPath();
	}
	catch (const Poco::Exception&)
	{
		path = request.getURI();
	}
	entry.path = path;

	// Keep no more of the body than the limit (the real cloud refuses oversized bodies), but read
	// on to its end, up to a bound: closing on unread data would reset the connection before the
	// client could read the refusal.
	std::string body;
	bool oversized = false;
	// Without Content-Length or chunked encoding a request has no body (RFC 9112 6.3): reading
	// to the end of the stream would wait for the client to close its connection.
	if (request.hasContentLength() || request.getChunkedTransferEncoding())
	{
		std::istream& in = request.stream();
		char buffer[8192];
		std::size_t total = 0;
		while (in && total < 16 * 1024 * 1024)
		{
			in.read(buffer, sizeof(buffer));
			const auto got = static_cast<std::size_t>(in.gcount());
			total += got;
			oversized = total > _state->options.maxRequestBytes;
			if (!oversized) body.append(buffer, got);
		}
	}

	std::string route;
	Reply reply;
	if (path == TOKEN_ROUTE) route = "token";
	else if (path == REVOKE_ROUTE) route = "revoke";
	else if (path == PROBE_ROUTE || path == SCROLL_ROUTE || path == DETAILS_ROUTE) route = "probe";

	std::optional<Fault> fault;
	if (oversized)
	{
		response.setKeepAlive(false);
		reply = meta(400, "request body too large");
	}
	else if (path.rfind("/emulator/", 0) == 0)
	{
		reply = control(request, path, body);
	}
	else if (route.empty())
	{
		reply = meta(404, "Not Found");
	}
	else if (request.getMethod() != (route == "probe" ? "GET" : "POST")
		&& !(path == DETAILS_ROUTE && request.getMethod() == "POST"))
	{
		reply = meta(405, "Method Not Allowed");
	}
	else
	{
		fault = _state->faults.next(route);
		// A status fault replaces the work; the others spoil the reply of work really done.
		if (!fault || fault->kind != Fault::Kind::Status)
		{
			if (route == "token") reply = token(request, body, entry);
			else if (route == "revoke") reply = revoke(request, body, entry);
			else reply = probe(request, path, body, entry);
		}
		if (fault)
		{
			reply = faulted(*fault, reply, path);
			entry.fault = fault->name();
		}
	}
	entry.status = reply.status;
	_state->log.add(entry);
	deliver(request, response, reply, fault);
}

}
} // namespace Falcon::Emulator
