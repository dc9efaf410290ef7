using Scim.Core.Filtering;
using Scim.Core.Patching;
using Scim.Core.Serialization;

namespace Scim.Core.Provisioning;

/// <summary>The stateless, cache-holding parts of the service, shared by every request (a singleton in DI).</summary>
internal sealed class ScimEngine
{
    public ScimEngine(ScimSerializer serializer, ScimServiceOptions options)
    {
        options.Validate();
        Serializer = serializer;
        Options = options;
        Patcher = new ScimPatcher(serializer.Registry, options.Patch, options.Filter);
        Replacer = new ScimReplacer(serializer.Registry);
        Binder = new FilterBinder(serializer.Registry, options.Filter);
    }

    public ScimSerializer Serializer { get; }

    public ScimServiceOptions Options { get; }

    public ScimPatcher Patcher { get; }

    public ScimReplacer Replacer { get; }

    public FilterBinder Binder { get; }
}
