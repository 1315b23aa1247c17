#include "CloudRequestHandler.h"

#include <Poco/Base64Decoder.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/Format.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/HTTPServerResponse.h>
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

std::string stringify(const Poco::Dynamic::Var& value)
{
	std::ostringstream out;
	Poco::JSON::Stringifier::condense(value, out);
	return out.str();
}

/// The scheme and credentials of an Authorization header; the scheme compared case-insensitively.
std::string credentialsOf(const Poco::Net::HTTPServerRequest& request, const std::string& scheme)
{
	const std::string value = request.get("Authorization", "");
	if (value.size() <= scheme.size() || Poco::icompare(value.substr(0, scheme.size()), scheme) != 0 || value[scheme.size()] != ' ') return {};
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
	_state(std::move(state)),
	_cloud(std::move(cloud)),
	_traceId(Poco::UUIDGenerator::defaultGenerator().createRandom().toString()),
	_started(std::chrono::steady_clock::now())
{
}

CloudRequestHandler::Reply CloudRequestHandler::meta(int status, const std::string& message, std::vector<std::pair<std::string, std::string>> headers) const
{
	Poco::JSON::Object::Ptr metaObject = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
	metaObject->set("query_time", std::chrono::duration<double>(std::chrono::steady_clock::now() - _started).count());
	metaObject->set("powered_by", std::string("csam"));
	metaObject->set("trace_id", _traceId);
	Poco::JSON::Array::Ptr errors = new Poco::JSON::Array;
	if (!message.empty())
	{
		Poco::JSON::Object::Ptr error = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
		error->set("code", status);
		error->set("message", message);
		errors->add(error);
	}
	Poco::JSON::Object::Ptr body = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
	body->set("meta", metaObject);
	body->set("errors", errors);
	Reply reply;
	reply.status = status;
	reply.headers = std::move(headers);
	reply.body = stringify(body);
	return reply;
}

CloudRequestHandler::Reply CloudRequestHandler::rateLimited(const RateLimiter::Decision& decision, Fault::RetryAfterUnit unit) const
{
	const bool inMilliseconds = unit == Fault::RetryAfterUnit::Configured
		? _state->options.retryAfterMilliseconds
		: unit == Fault::RetryAfterUnit::Milliseconds;
	const auto epoch = decision.retryAt.time_since_epoch();
	const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(epoch + std::chrono::milliseconds(999)).count();
	const auto milliseconds = std::chrono::duration_cast<std::chrono::milliseconds>(epoch).count();
	return meta(429, "API rate limit exceeded.", {
		{"X-Ratelimit-Limit", std::to_string(decision.limit)},
		{"X-Ratelimit-Remaining", "0"},
		{"X-Ratelimit-Retryafter", std::to_string(inMilliseconds ? milliseconds : seconds)}});
}

std::optional<CloudRequestHandler::Form> CloudRequestHandler::parseForm(const std::string& body)
{
	Form form;
	std::string::size_type start = 0;
	while (start <= body.size() && !body.empty())
	{
		auto end = body.find('&', start);
		if (end == std::string::npos) end = body.size();
		const std::string pair = body.substr(start, end - start);
		if (!pair.empty())
		{
			const auto equals = pair.find('=');
			std::string name, value;
			try
			{
				std::string rawName = pair.substr(0, equals);
				std::string rawValue = equals == std::string::npos ? "" : pair.substr(equals + 1);
				std::replace(rawName.begin(), rawName.end(), '+', ' ');
				std::replace(rawValue.begin(), rawValue.end(), '+', ' ');
				Poco::URI::decode(rawName, name);
				Poco::URI::decode(rawValue, value);
			}
			catch (const Poco::Exception&)
			{
				return std::nullopt;
			}
			form.emplace_back(name, value);
		}
		start = end + 1;
	}
	return form;
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

CloudRequestHandler::Reply CloudRequestHandler::token(const Poco::Net::HTTPServerRequest& request, const std::string& body, LoggedRequest& entry)
{
	const auto decision = _state->limiter.admit(_cloud + " " + entry.source); // each cloud counts on its own
	if (!decision.allowed) return rateLimited(decision);
	const std::vector<std::pair<std::string, std::string>> limits{
		{"X-Ratelimit-Limit", std::to_string(decision.limit)}, {"X-Ratelimit-Remaining", std::to_string(decision.remaining)}};

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
		const std::string homeUrl = it != _state->baseUrls.end() ? it->second : OAuth2::RegionTable::falcon().find(home)->baseUrl;
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
	reply.body = stringify(tokenBody);
	return reply;
}

CloudRequestHandler::Reply CloudRequestHandler::revoke(const Poco::Net::HTTPServerRequest& request, const std::string& body, LoggedRequest& entry)
{
	const auto form = parseForm(body);
	if (!form) return meta(400, "malformed form body");
	entry.form = masked(*form);
	const std::string credentials = decodeBase64(credentialsOf(request, "basic"));
	const auto colon = credentials.find(':');
	const auto client = colon == std::string::npos ? std::nullopt : _state->options.clients.find(credentials.substr(0, colon));
	if (!client || client->clientSecret != credentials.substr(colon + 1)) return meta(403, "access denied, invalid client");
	const std::string token = field(*form, "token");
	if (token.empty()) return meta(400, "token is required");
	_state->tokens.revoke(token);
	return meta(200, "");
}

CloudRequestHandler::Reply CloudRequestHandler::probe(const Poco::Net::HTTPServerRequest& request, const LoggedRequest& entry)
{
	const std::string bearer = credentialsOf(request, "bearer");
	if (bearer.empty() || _state->tokens.check(bearer, _cloud) != TokenStore::State::Valid)
	{
		// Requests without a valid token have their own, much smaller limit per address.
		const auto decision = _state->unauthenticatedLimiter.admit(_cloud + " " + entry.source);
		if (!decision.allowed) return rateLimited(decision);
		return meta(401, "access denied, invalid bearer token");
	}
	// The Hosts query: device IDs, a page of them at a time.
	unsigned limit = 100;
	unsigned offset = 0;
	for (const auto& parameter : Poco::URI(request.getURI()).getQueryParameters())
	{
		unsigned value = 0;
		const bool number = Poco::NumberParser::tryParseUnsigned(parameter.second, value);
		if (parameter.first == "limit" && (!number || value < 1 || value > 5000)) return meta(400, "limit must be an integer between 1 and 5000");
		if (parameter.first == "offset" && !number) return meta(400, "offset must be a non-negative integer");
		if (parameter.first == "limit") limit = value;
		if (parameter.first == "offset") offset = value;
	}
	const std::vector<std::string>& devices = deviceIds();
	Reply reply = meta(200, "");
	Poco::JSON::Parser parser;
	auto body = parser.parse(reply.body).extract<Poco::JSON::Object::Ptr>();
	Poco::JSON::Object::Ptr pagination = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
	pagination->set("offset", offset);
	pagination->set("limit", limit);
	pagination->set("total", static_cast<unsigned>(devices.size()));
	body->getObject("meta")->set("pagination", pagination);
	Poco::JSON::Array::Ptr resources = new Poco::JSON::Array;
	for (std::size_t i = offset; i < devices.size() && i < std::size_t(offset) + limit; ++i) resources->add(devices[i]);
	body->set("resources", resources);
	reply.body = stringify(body);
	return reply;
}

const std::vector<std::string>& CloudRequestHandler::deviceIds()
{
	static const std::vector<std::string> ids = [] {
		std::vector<std::string> made;
		for (int i = 1; i <= 5; ++i) made.push_back(Poco::format("%032x", i * 0x1111));
		return made;
	}();
	return ids;
}

CloudRequestHandler::Reply CloudRequestHandler::control(const Poco::Net::HTTPServerRequest& request, const std::string& path, const std::string& body)
{
	const std::string& method = request.getMethod();
	if (path == "/emulator/stats" && method == "GET")
	{
		const Counters counters = _state->log.counters();
		Poco::JSON::Object::Ptr stats = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
		stats->set("token_requests", static_cast<Poco::UInt64>(counters.tokenRequests));
		stats->set("tokens_issued", static_cast<Poco::UInt64>(counters.tokensIssued));
		stats->set("revoke_requests", static_cast<Poco::UInt64>(counters.revokeRequests));
		stats->set("revocations", static_cast<Poco::UInt64>(counters.revocations));
		stats->set("rate_limited", static_cast<Poco::UInt64>(counters.rateLimited));
		stats->set("probes", static_cast<Poco::UInt64>(counters.probes));
		stats->set("faults", static_cast<Poco::UInt64>(counters.faults));
		Reply reply;
		reply.body = stringify(stats);
		return reply;
	}
	if (path == "/emulator/requests" && method == "GET")
	{
		Reply reply;
		reply.body = stringify(_state->log.toJSON());
		return reply;
	}
	if (path == "/emulator/requests" && method == "DELETE")
	{
		_state->log.clear();
		return meta(200, "");
	}
	if (path == "/emulator/faults" && method == "DELETE")
	{
		_state->faults.clear();
		return meta(200, "");
	}
	if (path == "/emulator/faults" && method == "POST")
	{
		// {"faults": ["token=503x2", "revoke=reset"]}
		try
		{
			Poco::JSON::Parser parser;
			const auto object = parser.parse(body).extract<Poco::JSON::Object::Ptr>();
			const auto list = object ? object->getArray("faults") : nullptr;
			if (!list) return meta(400, "expected {\"faults\": [\"ROUTE=FAULT[xN]\", ...]}");
			for (std::size_t i = 0; i < list->size(); ++i) _state->faults.add(list->getElement<std::string>(static_cast<unsigned>(i)));
		}
		catch (const Poco::Exception& e)
		{
			return meta(400, e.message().empty() ? e.displayText() : e.message());
		}
		return meta(200, "");
	}
	if (path == "/emulator/stats" || path == "/emulator/requests" || path == "/emulator/faults") return meta(405, "Method Not Allowed");
	return meta(404, "Not Found");
}

CloudRequestHandler::Reply CloudRequestHandler::faulted(const Fault& fault, Reply normal, const std::string& path) const
{
	switch (fault.kind)
	{
	case Fault::Kind::Status:
		if (fault.status == 429)
		{
			RateLimiter::Decision decision;
			decision.allowed = false;
			decision.limit = _state->options.rateLimit;
			decision.retryAt = RateLimiter::Clock::now() + std::chrono::seconds(1);
			return rateLimited(decision, fault.retryAfterUnit);
		}
		return meta(fault.status, fault.status == 500 ? "Failed to issue token" : fault.status == 502 ? "Bad Gateway" : "Service Unavailable");
	case Fault::Kind::MalformedJson:
		normal.status = 201;
		normal.body = "{\"access_token\": \"unterminated";
		return normal;
	case Fault::Kind::Empty200:
		normal.status = 200;
		normal.body.clear();
		return normal;
	case Fault::Kind::Oversized:
		normal.status = 201;
		normal.body = "{\"padding\": \"" + std::string(2 * 1024 * 1024, 'x') + "\"}";
		return normal;
	case Fault::Kind::WrongContentType:
		normal.contentType = "text/html; charset=utf-8";
		normal.body = "<html><body><h1>" + std::to_string(normal.status) + "</h1></body></html>";
		return normal;
	case Fault::Kind::RedirectForeign:
	case Fault::Kind::RedirectLoop:
	{
		Reply redirect;
		redirect.status = 308;
		redirect.contentType.clear();
		const std::string host = fault.kind == Fault::Kind::RedirectLoop ? _state->baseUrls.at(_cloud) : "https://falcon-api.example.net";
		redirect.headers.emplace_back("Location", host + path);
		return redirect;
	}
	default:
		return normal; // the transport faults act while the reply is delivered
	}
}

void CloudRequestHandler::deliver(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response, const Reply& reply, const std::optional<Fault>& fault)
{
	const Fault::Kind kind = fault ? fault->kind : Fault::Kind::Status;
	if (fault && kind == Fault::Kind::DelayHeaders && !_state->pause(fault->delay)) return;
	Poco::Net::StreamSocket& socket = static_cast<Poco::Net::HTTPServerRequestImpl&>(request).socket();
	if (fault && kind == Fault::Kind::Reset)
	{
		response.setKeepAlive(false);
		socket.setLinger(true, 0);
		socket.close();
		return;
	}
	response.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(reply.status));
	if (!reply.contentType.empty()) response.setContentType(reply.contentType);
	response.set("X-Cs-Traceid", _traceId);
	for (const auto& header : reply.headers)
	{
		if (header.first != "X-Cs-Traceid") response.set(header.first, header.second);
	}
	response.setContentLength(static_cast<std::streamsize>(reply.body.size()));
	if (fault && (kind == Fault::Kind::TrickleHeaders || kind == Fault::Kind::TrickleBody))
	{
		trickle(response, socket, reply.body, *fault);
		return;
	}
	const bool cut = fault && (kind == Fault::Kind::Truncate || kind == Fault::Kind::DelayBody);
	if (!cut)
	{
		response.sendBuffer(reply.body.data(), reply.body.size());
		return;
	}
	const std::size_t half = reply.body.size() / 2;
	std::ostream& out = response.send();
	out.write(reply.body.data(), static_cast<std::streamsize>(half));
	out.flush();
	if (kind == Fault::Kind::Truncate)
	{
		response.setKeepAlive(false);
		socket.shutdown();
		return;
	}
	if (!_state->pause(fault->delay)) return;
	out.write(reply.body.data() + half, static_cast<std::streamsize>(reply.body.size() - half));
	out.flush();
}

void CloudRequestHandler::trickle(Poco::Net::HTTPServerResponse& response, Poco::Net::StreamSocket& socket, const std::string& body, const Fault& fault)
{
	std::string bytes = body;
	if (fault.kind == Fault::Kind::TrickleHeaders)
	{
		std::ostringstream head;
		response.write(head);
		bytes = head.str() + body;
	}
	else
	{
		response.send().flush();
	}
	// Whatever is left unsent when the client gives up (or the emulator stops) is dropped with
	// the connection: Poco must not answer again on it.
	response.setKeepAlive(false);
	try
	{
		for (char byte : bytes)
		{
			if (!_state->pause(fault.delay)) break;
			if (socket.sendBytes(&byte, 1) != 1) break;
		}
	}
	catch (const Poco::Exception&)
	{
		// The client hung up: what a trickling server sees when a deadline holds.
	}
	socket.shutdown();
}

void CloudRequestHandler::handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response)
{
	LoggedRequest entry;
	entry.cloud = _cloud;
	entry.method = request.getMethod();
	entry.source = request.clientAddress().host().toString();
	for (const auto& header : request)
		entry.headers.emplace_back(header.first, Poco::icompare(header.first, "Authorization") == 0 ? RequestLog::maskAuthorization(header.second) : header.second);
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
	else if (path == PROBE_ROUTE) route = "probe";

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
	else if (request.getMethod() != (route == "probe" ? "GET" : "POST"))
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
			else reply = probe(request, entry);
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

} } // namespace Falcon::Emulator
