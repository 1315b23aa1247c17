#include "falcon/oauth2/store/SharedTokenStore.h"

namespace Falcon {
namespace OAuth2 {

POCO_IMPLEMENT_EXCEPTION(UnusableEntryException, Poco::IOException, "Unusable token cache entry")

}
} // namespace Falcon::OAuth2
