#pragma once

#include <Poco/AutoPtr.h>
#include <Poco/Channel.h>
#include <Poco/Logger.h>

#include <mutex>
#include <string>
#include <vector>

namespace Falcon {
namespace Testing {

/// A Poco channel that keeps every message, so tests can read what was logged.
class CapturingChannel: public Poco::Channel
{
public:
	void log(const Poco::Message& message) override;
	std::vector<std::string> lines() const;
	/// Every message's text, one per line.
	std::string text() const;
	bool contains(const std::string& needle) const { return text().find(needle) != std::string::npos; }

private:
	mutable std::mutex _mutex;
	std::vector<std::string> _lines;
};

/// Points a logger at a fresh CapturingChannel at the given level for the life of the object.
class LogCapture
{
public:
	explicit LogCapture(const std::string& loggerName = "falcon.oauth2", int level = Poco::Message::PRIO_TRACE);
	~LogCapture();

	Poco::Logger& logger() const { return _logger; }
	const CapturingChannel& channel() const { return *_channel; }
	std::string text() const { return _channel->text(); }

private:
	Poco::Logger& _logger;
	Poco::AutoPtr<CapturingChannel> _channel;
	Poco::Channel::Ptr _previousChannel;
	int _previousLevel;
};

}
} // namespace Falcon::Testing
