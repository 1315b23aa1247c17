// The emulator's replies: the API's error shapes, how a reply goes on the wire, and how a
// scripted fault spoils it (statuses, delays, trickled bytes, resets, truncated and malformed
// bodies, redirects).

#include "CloudRequestHandler.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/HTTPServerResponse.h>

#include <sstream>

namespace Falcon {
namespace Emulator {

CloudRequestHandler::Reply CloudRequestHandler::meta(
	int status, const std::string& message, std::vector<std::pair<std::string, std::string>> headers) const
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
	reply.body = jsonText(body);
	return reply;
}

CloudRequestHandler::Reply CloudRequestHandler::rateLimited(
	const RateLimiter::Decision& decision, Fault::RetryAfterUnit unit) const
{
	const bool inMilliseconds = unit == Fault::RetryAfterUnit::Configured ? _state->options.retryAfterMilliseconds
																		  : unit == Fault::RetryAfterUnit::Milliseconds;
	const auto epoch = decision.retryAt.time_since_epoch();
	const auto seconds =
		std::chrono::duration_cast<std::chrono::seconds>(epoch + std::chrono::milliseconds(999)).count();
	const auto milliseconds = std::chrono::duration_cast<std::chrono::milliseconds>(epoch).count();
	return meta(429, "API rate limit exceeded.",
		{{"X-Ratelimit-Limit", std::to_string(decision.limit)}, {"X-Ratelimit-Remaining", "0"},
			{"X-Ratelimit-Retryafter", std::to_string(inMilliseconds ? milliseconds : seconds)}});
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
		return meta(fault.status,
			fault.status == 500 ? "Failed to issue token"
								: (fault.status == 502 ? "Bad Gateway" : "Service Unavailable"));
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
		const std::string host =
			fault.kind == Fault::Kind::RedirectLoop ? _state->baseUrls.at(_cloud) : "https://falcon-api.example.net";
		redirect.headers.emplace_back("Location", host + path);
		return redirect;
	}
	default: return normal; // the transport faults act while the reply is delivered
	}
}

void CloudRequestHandler::deliver(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response,
	const Reply& reply, const std::optional<Fault>& fault)
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

void CloudRequestHandler::trickle(Poco::Net::HTTPServerResponse& response, Poco::Net::StreamSocket& socket,
	const std::string& body, const Fault& fault)
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

}
} // namespace Falcon::Emulator
