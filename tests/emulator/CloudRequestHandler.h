#pragma once

#include "FalconEmulator.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/StreamSocket.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace Falcon {
namespace Emulator {

/// Answers one request to one cloud's listener: the OAuth2 routes and the probe route as the
/// real cloud does (contract sections 1-4), plus the emulator's own /emulator/ control routes.
class CloudRequestHandler: public Poco::Net::HTTPRequestHandler
{
public:
	CloudRequestHandler(std::shared_ptr<EmulatorState> state, std::string cloud);

	void handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override;

private:
	struct Reply
	{
		int status = 200;
		std::vector<std::pair<std::string, std::string>> headers;
		std::string body;
		std::string contentType = "application/json";
	};
	using Form = std::vector<std::pair<std::string, std::string>>;

	Reply token(const Poco::Net::HTTPServerRequest& request, const std::string& body, LoggedRequest& entry);
	Reply revoke(const Poco::Net::HTTPServerRequest& request, const std::string& body, LoggedRequest& entry);
	/// The Hosts routes, behind a bearer token: the probe (device IDs by offset), the scroll
	/// query (device IDs by an opaque offset) and the device details (by IDs, GET or POST).
	Reply probe(const Poco::Net::HTTPServerRequest& request, const std::string& path, const std::string& body,
		const LoggedRequest& entry);
	Reply deviceQuery(const Poco::Net::HTTPServerRequest& request, bool scroll) const;
	Reply deviceDetails(const Poco::Net::HTTPServerRequest& request, const std::string& body) const;
	/// A 200 with `resources` and, when given, `meta.pagination`.
	Reply resources(const Poco::JSON::Array::Ptr& found, const Poco::JSON::Object::Ptr& pagination = nullptr) const;
	/// The devices every cloud reports on its Hosts queries.
	static const std::vector<std::string>& deviceIds();
	Reply control(const Poco::Net::HTTPServerRequest& request, const std::string& path, const std::string& body);

	Reply meta(
		int status, const std::string& message, std::vector<std::pair<std::string, std::string>> headers = {}) const;
	Reply rateLimited(
		const RateLimiter::Decision& decision, Fault::RetryAfterUnit unit = Fault::RetryAfterUnit::Configured) const;
	Reply faulted(const Fault& fault, Reply normal, const std::string& path) const;
	void deliver(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response, const Reply& reply,
		const std::optional<Fault>& fault);
	/// Sends the reply (from the status line, or from the body on) one byte every fault.delay.
	void trickle(Poco::Net::HTTPServerResponse& response, Poco::Net::StreamSocket& socket, const std::string& body,
		const Fault& fault);

	static std::string jsonText(const Poco::Dynamic::Var& value);
	static std::optional<Form> parseForm(const std::string& body);
	static std::string field(const Form& form, const std::string& name);
	static Form masked(const Form& form);

	std::shared_ptr<EmulatorState> _state;
	std::string _cloud;
	std::string _traceId;
	std::chrono::steady_clock::time_point _started;
};

}
} // namespace Falcon::Emulator
