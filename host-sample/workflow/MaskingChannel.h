#pragma once

#include "SecretMask.h"

#include <Poco/Channel.h>
#include <Poco/Logger.h>
#include <Poco/Message.h>

#include <string>
#include <utility>
#include <vector>

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

/// While alive, the named loggers log through a MaskingChannel; their own channels come back
/// when it goes. Declared after what owns the mask, it is gone first: no channel can outlive
/// the mask it reads.
class MaskedLogging
{
public:
	MaskedLogging(const SecretMask& mask, const std::vector<std::string>& loggers)
	{
		for (const auto& name : loggers)
		{
			Poco::Logger& logger = Poco::Logger::get(name);
			_previous.emplace_back(&logger, logger.getChannel());
			logger.setChannel(new MaskingChannel(mask, logger.getChannel()));
		}
	}

	~MaskedLogging()
	{
		for (auto& previous : _previous) previous.first->setChannel(previous.second);
	}

	MaskedLogging(const MaskedLogging&) = delete;
	MaskedLogging& operator=(const MaskedLogging&) = delete;

private:
	std::vector<std::pair<Poco::Logger*, Poco::Channel::Ptr>> _previous;
};

}
} // namespace Falcon::Workflow
