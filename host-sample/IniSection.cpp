#include "IniSection.h"

#include <Poco/String.h>

#include <sstream>

namespace Falcon {
namespace Host {

std::vector<std::pair<std::string, std::string>> iniSection(const std::string& text, const std::string& section)
{
	std::vector<std::pair<std::string, std::string>> settings;
	std::istringstream lines(text);
	bool inSection = false;
	for (std::string line; std::getline(lines, line);)
	{
		line = Poco::trim(line);
		if (line.empty() || line[0] == ';' || line[0] == '#') continue;
		if (line[0] == '[')
		{
			inSection = Poco::icompare(Poco::trim(line.substr(1, line.find(']') - 1)), section) == 0;
			continue;
		}
		if (!inSection) continue;
		const std::size_t equals = line.find('=');
		const std::string key = Poco::trim(line.substr(0, equals));
		const std::string value = equals == std::string::npos ? "" : Poco::trim(line.substr(equals + 1));
		bool known = false;
		for (auto& setting : settings)
		{
			if (Poco::icompare(setting.first, key) != 0) continue;
			setting.second = value;
			known = true;
		}
		if (!known) settings.emplace_back(key, value);
	}
	return settings;
}

}
} // namespace Falcon::Host
