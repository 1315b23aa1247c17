#include "SecretMask.h"

#include <algorithm>

namespace Falcon {
namespace Workflow {

void SecretMask::insert(const std::string& value)
{
	const auto [it, inserted] = _values.insert(value);
	if (!inserted) return;
	_shortest = _shortest == 0 ? value.size() : std::min(_shortest, value.size());
	_startsWith[static_cast<unsigned char>(value[0])] = true;
	auto& candidates = _byPrefix[std::string_view(*it).substr(0, MIN_LENGTH)];
	const std::string_view view(*it);
	candidates.insert(std::upper_bound(candidates.begin(), candidates.end(), view,
		[](std::string_view a, std::string_view b) { return a.size() > b.size(); }), view);
}

void SecretMask::add(const std::string& value)
{
	if (value.size() < MIN_LENGTH) return;
	std::string escaped;
	for (char c : value) escaped += c == '/' ? std::string("\\/") : std::string(1, c); // as Poco's JSON writes it
	std::lock_guard<std::mutex> lock(_mutex);
	insert(value);
	insert(escaped);
}

std::string SecretMask::mask(const std::string& text) const
{
	if (text.size() < MIN_LENGTH) return text;
	std::lock_guard<std::mutex> lock(_mutex);
	if (_values.empty() || text.size() < _shortest) return text;
	std::string result;
	result.reserve(text.size());
	std::size_t i = 0;
	while (i < text.size())
	{
		bool masked = false;
		if (i + MIN_LENGTH <= text.size() && _startsWith[static_cast<unsigned char>(text[i])])
		{
			const auto candidates = _byPrefix.find(std::string_view(text).substr(i, MIN_LENGTH));
			if (candidates != _byPrefix.end())
			{
				for (const auto& value : candidates->second)
				{
					if (text.compare(i, value.size(), value.data(), value.size()) == 0)
					{
						result += "***";
						i += value.size();
						masked = true;
						break;
					}
				}
			}
		}
		if (!masked) result += text[i++];
	}
	return result;
}

} } // namespace Falcon::Workflow
