#pragma once

#include <functional>
#include <ostream>
#include <string>
#include <vector>

namespace Falcon {
namespace Host {

/// One option of a command line: --name (or -s), taking a value when `argument` names it.
struct OptionSpec
{
	std::string name;
	char shortName = 0; ///< 0: none
	std::string argument; ///< "" for a switch; else the value's placeholder in the help (FILE, URL...)
	std::string help;
};

/// A GNU-style command line: options anywhere among the words, `--name=VALUE` or `--name VALUE`,
/// `-s`, and `--` ending the options. Names are matched whole (an abbreviation could pick another
/// option as options are added). A mistake throws HostError naming the option and never its
/// value, which may be a secret typed in the wrong place.
class CommandLine
{
public:
	explicit CommandLine(std::vector<OptionSpec> options);

	/// Calls `handle` with each option's name and value ("" for a switch) in order, and returns
	/// the other words. An option given twice is refused.
	std::vector<std::string> parse(const std::vector<std::string>& words,
		const std::function<void(const std::string& name, const std::string& value)>& handle) const;

	/// The options, one per line (wrapped at 80 columns), as --help shows them.
	void describe(std::ostream& out) const;

	const std::vector<OptionSpec>& options() const { return _options; }

private:
	const OptionSpec* find(const std::string& name) const;
	const OptionSpec* findShort(char name) const;

	std::vector<OptionSpec> _options;
};

}
} // namespace Falcon::Host
