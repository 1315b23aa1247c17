#include "CommandLine.h"

#include "HostError.h"

#include <set>
#include <sstream>

namespace Falcon {
namespace Host {

CommandLine::CommandLine(std::vector<OptionSpec> options): _options(std::move(options))
{
}

const OptionSpec* CommandLine::find(const std::string& name) const
{
	for (const auto& option : _options)
		if (option.name == name) return &option;
	return nullptr;
}

const OptionSpec* CommandLine::findShort(char name) const
{
	for (const auto& option : _options)
		if (option.shortName && option.shortName == name) return &option;
	return nullptr;
}

std::vector<std::string> CommandLine::parse(const std::vector<std::string>& words,
	const std::function<void(const std::string& name, const std::string& value)>& handle) const
{
	std::vector<std::string> rest;
	std::set<std::string> given;
	for (std::size_t i = 0; i < words.size(); ++i)
	{
		const std::string& word = words[i];
		if (word == "--")
		{
			rest.insert(rest.end(), words.begin() + static_cast<std::ptrdiff_t>(i) + 1, words.end());
			break;
		}
		if (word.size() < 2 || word[0] != '-')
		{
			rest.push_back(word);
			continue;
		}
		const bool isLong = word[1] == '-';
		const std::size_t equals = word.find('=');
		// What the user typed as the option's name, without its value: the only part ever said back.
		const std::string typed = word.substr(0, equals);
		const OptionSpec* option = isLong ? find(typed.substr(2)) : (typed.size() == 2 ? findShort(typed[1]) : nullptr);
		if (!option) throw HostError("unknown option " + typed + " (see --help)");
		const std::string spelled = "--" + option->name;
		std::string value;
		if (option->argument.empty())
		{
			if (equals != std::string::npos) throw HostError(spelled + " takes no value (see --help)");
		}
		else if (equals != std::string::npos) value = word.substr(equals + 1);
		else if (i + 1 < words.size()) value = words[++i];
		else throw HostError(spelled + " needs a value: " + spelled + " " + option->argument + " (see --help)");
		if (!given.insert(option->name).second) throw HostError(spelled + " is given more than once (see --help)");
		handle(option->name, value);
	}
	return rest;
}

void CommandLine::describe(std::ostream& out) const
{
	constexpr std::size_t COLUMN = 27, WIDTH = 80;
	for (const auto& option : _options)
	{
		std::string left = option.shortName ? std::string("-") + option.shortName + ", " : "";
		left += "--" + option.name + (option.argument.empty() ? "" : "=" + option.argument);
		std::string line = left + std::string(left.size() < COLUMN ? COLUMN - left.size() : 1, ' ');
		std::istringstream words(option.help);
		bool first = true;
		for (std::string word; words >> word; first = false)
		{
			if (!first && line.size() + 1 + word.size() > WIDTH)
			{
				out << line << "\n";
				line = std::string(COLUMN, ' ') + word;
				continue;
			}
			line += (first ? "" : " ") + word;
		}
		out << line << "\n";
	}
}

}
} // namespace Falcon::Host
