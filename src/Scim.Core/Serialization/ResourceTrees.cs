using System.Text.Json.Nodes;
using Scim.Core.Resources;

namespace Scim.Core.Serialization;

/// <summary>
/// Typed resources as the canonical JSON trees the service applies PATCH and PUT to, and back.
/// The one place where writeOnly values cross over: the canonical writer never writes a user's
/// <c>password</c> (it is never returned), but a tree being changed must hold it, so that a PATCH
/// <c>remove</c> or a PUT without it is seen, and a change of anything else keeps it.
/// </summary>
internal static class ResourceTrees
{
    /// <summary>The tree of a stored resource, writeOnly values included; a new tree the caller owns.</summary>
    public static JsonObject ToTree(ScimResource resource)
    {
        var tree = ScimSerializer.ToJsonObject(resource);
        if (resource is User { Password: { } password })
        {
            tree["password"] = password;
        }

        return tree;
    }

    /// <summary>The user of a tree (its <c>password</c>, when the tree has one, included).</summary>
    public static User ToUser(JsonObject tree) => ScimSerializer.ToUser(tree);

    /// <summary>The group of a tree.</summary>
    public static Group ToGroup(JsonObject tree) => ScimSerializer.ToGroup(tree);

    /// <summary>The user of a tree the caller gives up (a store's tree made for this read): taken apart, not copied.</summary>
    public static User OwnedToUser(JsonObject tree) => ScimSerializer.ToUser(tree, owned: true);

    /// <summary>The group of a tree the caller gives up: taken apart, not copied.</summary>
    public static Group OwnedToGroup(JsonObject tree) => ScimSerializer.ToGroup(tree, owned: true);
}
