#pragma once

#include "SecretMask.h"

#include <Poco/Channel.h>
#include <Poco/Message.h>

namespace Falcon {
namespace Workflow {

/// Passes every log message on with the run's secret values masked: a value that came from a
/// secret field never reaches a log line, whatever logged it.
class MaskingChannel: public Poco::Channel
{
public:
	MaskingChannel(const SecretMask& mask, Poco::Channel::Ptr next): _mask(mask), _next(std::move(next)) {}

	void log(const Poco::Message& message) override
	{
		Poco::Message masked(message);
		masked.setText(_mask.mask(message.getText()));
		_next->log(masked);
	}

private:
	const SecretMask& _mask;
	Poco::Channel::Ptr _next;
};

} } // namespace Falcon::Workflow
