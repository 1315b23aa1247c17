#pragma once

#include "falcon/plugin/Cancellation.h"
#include "falcon/plugin/Export.h"

#include <Poco/JSON/Object.h>
#include <Poco/Logger.h>

#include <chrono>
#include <memory>

namespace Falcon {
namespace Plugin {

/// What a host hands to every invocation.
class FALCON_PLUGIN_EXPORT ActionContext
{
public:
	using Clock = std::chrono::steady_clock;

	/// `connection`: the connection settings (see schema/connection.schema.json), secrets
	/// included; the plugin never logs them.
	ActionContext(Poco::JSON::Object::Ptr connection, Poco::Logger& logger, Clock::time_point deadline,
		std::shared_ptr<const Cancellation> cancellation = nullptr);
	virtual ~ActionContext();

	/// The connection's call_timeout_s, or its default of 60 s when absent or not a number.
	static double callTimeoutOf(const Poco::JSON::Object::Ptr& connection);
	/// The deadline of a call that may take `seconds` from now, kept within the schema's range
	/// (1 ms to 1 h): every host turns a timeout into a deadline the same way.
	static Clock::time_point deadlineAfter(double seconds);

	const Poco::JSON::Object::Ptr& connection() const { return _connection; }
	Poco::Logger& logger() const { return _logger; }
	Clock::time_point deadline() const { return _deadline; }

	/// True once the host asked the call to stop (a second SIGINT): no further attempt starts,
	/// a retry's wait ends at once, the exchange in flight within about 50 ms, and the result's
	/// error kind is `cancelled`.
	bool cancelled() const { return Cancellation::requested(_cancellation.get()); }
	const Cancellation* cancellation() const { return _cancellation.get(); }

private:
	Poco::JSON::Object::Ptr _connection;
	Poco::Logger& _logger;
	Clock::time_point _deadline;
	std::shared_ptr<const Cancellation> _cancellation;
};

}
} // namespace Falcon::Plugin
