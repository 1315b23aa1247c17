#include "falcon/oauth2/http/SharedTransport.h"

namespace Falcon {
namespace OAuth2 {

SharedTransport::SharedTransport(
	TransportSettings settings, Poco::Logger& logger, Redactor& redactor, TransportFactory factory):
	_settings(std::move(settings)),
	_logger(logger), _redactor(redactor), _factory(factory)
{
	// Said when the session is made, not when it first sends: the setting is the danger.
	if (!_settings.verifyTls)
		_logger.warning("TLS certificate verification is OFF for this session: any server can impersonate the Falcon "
						"API and receive the client secret");
}

SharedTransport::Turn::~Turn()
{
	if (_owner) _owner->giveBack();
}

SharedTransport::Turn SharedTransport::take(Deadline deadline)
{
	std::unique_lock<std::mutex> lock(_mutex);
	if (!_free.wait_until(lock, deadline, [this] { return !_busy; })) return Turn(nullptr);
	if (!_transport) _transport = _factory(_settings, _logger, _redactor);
	_busy = true;
	return Turn(this);
}

unsigned SharedTransport::connectionsOpened() const
{
	std::lock_guard<std::mutex> lock(_mutex);
	return _transport ? _transport->connectionsOpened() : 0;
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
