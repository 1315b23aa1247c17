// The emulator's own routes under /emulator/: counters, the request log and the fault plan, for
// tests and soak runs that drive a separately started emulator over HTTP.

#include "CloudRequestHandler.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPServerRequest.h>

namespace Falcon {
namespace Emulator {

CloudRequestHandler::Reply CloudRequestHandler::control(
	const Poco::Net::HTTPServerRequest& request, const std::string& path, const std::string& body)
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
		reply.body = jsonText(stats);
		return reply;
	}
	if (path == "/emulator/requests" && method == "GET")
	{
		Reply reply;
		reply.body = jsonText(_state->log.toJSON());
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
			for (std::size_t i = 0; i < list->size(); ++i)
				_state->faults.add(list->getElement<std::string>(static_cast<unsigned>(i)));
		}
		catch (const Poco::Exception& e)
		{
			return meta(400, e.message().empty() ? e.displayText() : e.message());
		}
		return meta(200, "");
	}
	if (path == "/emulator/stats" || path == "/emulator/requests" || path == "/emulator/faults")
		return meta(405, "Method Not Allowed");
	return meta(404, "Not Found");
}

}
} // namespace Falcon::Emulator
