#pragma once

#include "falcon/oauth2/http/Transport.h"

#include <condition_variable>
#include <mutex>

namespace Falcon {
namespace OAuth2 {

/// A session's one Transport, lent to one call at a time: the others wait for their turn until
/// their deadline. (A flag and a condition rather than std::timed_mutex, whose timed lock
/// ThreadSanitizer cannot follow.)
class SharedTransport
{
public:
	SharedTransport(TransportSettings settings, Poco::Logger& logger, Redactor& redactor);

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
		Transport* operator->() const { return &_owner->_transport; }

	private:
		SharedTransport* _owner;
	};

	/// Waits for the transport until `deadline`.
	Turn take(Deadline deadline);

	unsigned connectionsOpened() const { return _transport.connectionsOpened(); }

private:
	void giveBack();

	std::mutex _mutex;
	std::condition_variable _free;
	bool _busy = false;
	Transport _transport;
};

}
} // namespace Falcon::OAuth2
