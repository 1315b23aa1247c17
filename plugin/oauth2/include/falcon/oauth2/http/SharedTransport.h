#pragma once

#include "falcon/oauth2/http/Transport.h"

#include <condition_variable>
#include <mutex>

namespace Falcon {
namespace OAuth2 {

/// A session's one Transport, lent to one call at a time: the others wait for their turn until
/// their deadline. The transport is made by the first call that takes it, so that a session
/// whose calls are all answered from a cache never loads the code that sends. (A flag and a
/// condition rather than std::timed_mutex, whose timed lock ThreadSanitizer cannot follow.)
class SharedTransport
{
public:
	SharedTransport(TransportSettings settings, Poco::Logger& logger, Redactor& redactor, TransportFactory factory);

	/// The transport for the length of one call; handed back when this goes out of scope.
	class Turn
	{
	public:
		explicit Turn(SharedTransport* owner): _owner(owner) {}
		Turn(Turn&& other) noexcept: _owner(other._owner) { other._owner = nullptr; }
		Turn& operator=(Turn&&) = delete;
		~Turn();

		/// False when the deadline passed before the transport was free.
		explicit operator bool() const { return _owner != nullptr; }
		Transport* operator->() const { return _owner->_transport.get(); }

	private:
		SharedTransport* _owner;
	};

	/// Waits for the transport until `deadline`. Throws TransportError when it cannot be made.
	Turn take(Deadline deadline);

	unsigned connectionsOpened() const;

private:
	void giveBack();

	mutable std::mutex _mutex;
	std::condition_variable _free;
	bool _busy = false;
	const TransportSettings _settings;
	Poco::Logger& _logger;
	Redactor& _redactor;
	const TransportFactory _factory;
	std::unique_ptr<Transport> _transport; ///< made on the first take()
};

}
} // namespace Falcon::OAuth2
