#include "falcon/oauth2/TokenReplicas.h"

namespace Falcon {
namespace OAuth2 {

std::optional<TokenReplicas::Entry> TokenReplicas::find() const
{
	Slot& slot = _slots.mine();
	std::lock_guard<std::mutex> lock(slot.mutex);
	if (!slot.entry.token) return std::nullopt;
	return slot.entry;
}

void TokenReplicas::place(Entry entry)
{
	Slot& slot = _slots.mine();
	std::lock_guard<std::mutex> lock(slot.mutex);
	slot.entry = std::move(entry);
	slot.output.reset();
}

void TokenReplicas::clear()
{
	_slots.forEach([](Slot& slot) {
		std::lock_guard<std::mutex> lock(slot.mutex);
		slot.entry = Entry{};
		slot.output.reset();
	});
}

Poco::JSON::Object::Ptr TokenReplicas::outputOf(const Entry& entry, std::chrono::seconds lifetime, Labels labels)
{
	Poco::JSON::Object::Ptr output = entry.token->toJSON(lifetime);
	if (labels) labels(*output);
	return output;
}

std::shared_ptr<const TokenResult> TokenReplicas::unshared(const TokenResult& result)
{
	auto copy = std::make_shared<TokenResult>(result);
	if (result.parsed) copy->parsed = std::make_shared<ApiResult::Parsed>(result.parsed->copy());
	return copy;
}

}
} // namespace Falcon::OAuth2
