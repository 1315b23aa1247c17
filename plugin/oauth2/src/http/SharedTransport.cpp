#include "falcon/oauth2/http/SharedTransport.h"

namespace Falcon {
namespace OAuth2 {

SharedTransport::SharedTransport(TransportSettings settings, Poco::Logger& logger, Redactor& redactor):
	_transport(std::move(settings), logger, redactor)
{
}

SharedTransport::Turn::~Turn()
{
	if (_owner) _owner->giveBack();
}

SharedTransport::Turn SharedTransport::take(Deadline deadline)
{
	std::unique_lock<std::mutex> lock(_mutex);
	if (!_free.wait_until(lock, deadline, [this] { return !_busy; })) return Turn(nullptr);
	_busy = true;
	return Turn(this);
}

void SharedTransport::giveBack()
{
	{
		std::lock_guard<std::mutex> lock(_mutex);
		_busy = false;
	}
	_free.notify_one();
}

}
} // namespace Falcon::OAuth2
