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
	/// included; the plugin never logs them. The context holds a reference to them.
	ActionContext(Poco::JSON::Object::Ptr connection, Poco::Logger& logger, Clock::time_point deadline,
		std::shared_ptr<const Cancellation> cancellation = nullptr);
	/// The same without a reference of its own: `connection` is read where the caller keeps it,
	/// and must outlive the context. For a host that gives one connection to calls on several
	/// threads at once: each reference taken writes the object's count, which the calls on every
	/// core then contend for (a sixth of a cached hit's time on two cores).
	static ActionContext borrowing(const Poco::JSON::Object::Ptr& connection, Poco::Logger& logger,
		Clock::time_point deadline, std::shared_ptr<const Cancellation> cancellation = nullptr);

	ActionContext(const ActionContext& other);
	virtual ~ActionContext();

	/// The connection's call_timeout_s, or its default of 60 s when absent or not a number.
	static double callTimeoutOf(const Poco::JSON::Object::Ptr& connection);
	/// The deadline of a call that may take `seconds` from now, kept within the schema's range
	/// (1 ms to 1 h): every host turns a timeout into a deadline the same way.
	static Clock::time_point deadlineAfter(double seconds);

	const Poco::JSON::Object::Ptr& connection() const { return *_connection; }
	Poco::Logger& logger() const { return _logger; }
	Clock::time_point deadline() const { return _deadline; }

	/// True once the host asked the call to stop (a second SIGINT): no further attempt starts,
	/// a retry's wait ends at once, the exchange in flight within about 50 ms, and the result's
	/// error kind is `cancelled`.
	bool cancelled() const { return Cancellation::requested(_cancellation.get()); }
	const Cancellation* cancellation() const { return _cancellation.get(); }

private:
	ActionContext(const Poco::JSON::Object::Ptr* borrowed, Poco::Logger& logger, Clock::time_point deadline,
		std::shared_ptr<const Cancellation> cancellation);

	Poco::JSON::Object::Ptr _held; ///< the context's own reference; none when it borrows
	const Poco::JSON::Object::Ptr* _connection; ///< `_held`, or the caller's
	Poco::Logger& _logger;
	Clock::time_point _deadline;
	std::shared_ptr<const Cancellation> _cancellation;
};

}
} // namespace Falcon::Plugin
