using Scim.Core.InMemory;
using Scim.Core.Resources;
using Scim.Core.Serialization;
using Scim.Core.Stores;

namespace Scim.Benchmarks;

/// <summary>Fills the in-memory stores with users shaped like the ones Entra ID provisions.</summary>
public static class Seed
{
    /// <summary>Creates <paramref name="count"/> users straight in the store; returns their ids.</summary>
    public static List<string> Users(InMemoryUserStore store, ScimContext context, int count, string prefix = "user")
    {
        ArgumentNullException.ThrowIfNull(store);
        var ids = new List<string>(count);
        var created = DateTimeOffset.UtcNow;
        for (var i = 0; i < count; i++)
        {
            // Through the serializer, as a request's user arrives: every string its own copy.
            var user = ScimSerializer.ToUser(ScimSerializer.ToJsonObject(EntraUser($"{prefix}{i}", i, created)));
            store.CreateAsync(context, user, CancellationToken.None).GetAwaiter().GetResult();
            ids.Add(user.Id!);
        }

        return ids;
    }

    /// <summary>A user as Entra ID sends one: userName, externalId, name, displayName, a work email, active, and the enterprise extension.</summary>
    public static User EntraUser(string name, int i, DateTimeOffset created) => new()
    {
        Id = Guid.CreateVersion7(created.AddTicks(i)).ToString(),
        UserName = $"{name}@example.com",
        ExternalId = $"{i:D8}-0000-4000-8000-{i:D12}",
        DisplayName = $"User {i}",
        Name = new Name { GivenName = "Given" + i, FamilyName = "Family" + i, Formatted = $"Given{i} Family{i}" },
        Emails = [new Email { Value = $"{name}@example.com", Type = "work", Primary = true }],
        Active = i % 10 != 0,
        EnterpriseUser = new EnterpriseUser { EmployeeNumber = i.ToString(System.Globalization.CultureInfo.InvariantCulture), Department = "Dept " + (i % 50) },
        Meta = new ResourceMeta { ResourceType = "User", Created = created, LastModified = created, Version = $"W/\"{i:x16}\"" },
    };

    /// <summary>Creates a group with the given members straight in the store; returns its id.</summary>
    public static string Group(InMemoryGroupStore store, ScimContext context, string displayName, IEnumerable<string> memberIds)
    {
        ArgumentNullException.ThrowIfNull(store);
        var group = new Group
        {
            Id = Guid.NewGuid().ToString(),
            DisplayName = displayName,
            Members = [.. memberIds.Select(id => new GroupMember { Value = id, Type = "User" })],
            Meta = new ResourceMeta { ResourceType = "Group", Created = DateTimeOffset.UtcNow, LastModified = DateTimeOffset.UtcNow, Version = "W/\"1\"" },
        };
        store.CreateAsync(context, group, CancellationToken.None).GetAwaiter().GetResult();
        return group.Id;
    }
}
