#include "SecretMask.h"

#include <algorithm>
#include <vector>

namespace Falcon {
namespace Workflow {

void SecretMask::add(const std::string& value)
{
	// Very short values would mask ordinary text everywhere and hide nothing worth hiding.
	if (value.size() < 4) return;
	std::lock_guard<std::mutex> lock(_mutex);
	_values.insert(value);
	std::string escaped;
	for (char c : value) escaped += c == '/' ? std::string("\\/") : std::string(1, c);
	_values.insert(escaped); // as Poco's JSON writes it
	auto sorted = std::make_shared<std::vector<std::string>>(_values.begin(), _values.end());
	std::sort(sorted->begin(), sorted->end(), [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
	_longestFirst = std::move(sorted);
}

std::string SecretMask::mask(const std::string& text) const
{
	std::shared_ptr<const std::vector<std::string>> values;
	{
		std::lock_guard<std::mutex> lock(_mutex);
		values = _longestFirst;
	}
	std::string result = text;
	for (const auto& value : *values)
	{
		for (auto at = result.find(value); at != std::string::npos; at = result.find(value, at + 3)) result.replace(at, value.size(), "***");
	}
	return result;
}

} } // namespace Falcon::Workflow
