#pragma once

#include <memory>
#include <mutex>
#include <vector>
#include <set>
#include <string>

namespace Falcon {
namespace Workflow {

/// The secret values a run has met (connection secrets, secret inputs and env, x-secret
/// outputs such as access tokens, and anything computed from them). Everything the run prints
/// or logs passes through `mask`, which shows each of them as ***.
class SecretMask
{
public:
	void add(const std::string& value);
	std::string mask(const std::string& text) const;

private:
	mutable std::mutex _mutex;
	std::set<std::string> _values;
	/// _values longest first, rebuilt on add: masking reads it without sorting.
	std::shared_ptr<const std::vector<std::string>> _longestFirst = std::make_shared<std::vector<std::string>>();
};

} } // namespace Falcon::Workflow
