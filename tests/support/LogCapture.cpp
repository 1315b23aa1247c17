#include "LogCapture.h"

namespace Falcon {
namespace Testing {

void CapturingChannel::log(const Poco::Message& message)
{
	std::lock_guard<std::mutex> lock(_mutex);
	_lines.push_back(message.getSource() + ": " + message.getText());
}

std::vector<std::string> CapturingChannel::lines() const
{
	std::lock_guard<std::mutex> lock(_mutex);
	return _lines;
}

std::string CapturingChannel::text() const
{
	std::string all;
	for (const auto& line : lines()) all += line + "\n";
	return all;
}

LogCapture::LogCapture(const std::string& loggerName, int level):
	_logger(Poco::Logger::get(loggerName)), _channel(new CapturingChannel), _previousChannel(_logger.getChannel()),
	_previousLevel(_logger.getLevel())
{
	_logger.setChannel(_channel);
	_logger.setLevel(level);
}

LogCapture::~LogCapture()
{
	_logger.setChannel(_previousChannel);
	_logger.setLevel(_previousLevel);
}

}
} // namespace Falcon::Testing
