using Scim.Core.InMemory;
using Scim.Core.Resources;
using Scim.Core.Serialization;
using Scim.Core.Stores;

namespace Scim.Benchmarks;

/// <summary>Fills the in-memory stores with users shaped like the ones Entra ID provisions.</summary>
internal static class Seed
{
    /// <summary>
    /// Creates <paramref name="count"/> users straight in the store; returns their ids. The ids
    /// increase in creation order, as the service's do; with <paramref name="scrambled"/> they
    /// are handed out in a random order instead, so the rows' order in memory has nothing to do
    /// with their id order (as in a store whose users have all been rewritten since).
    /// </summary>
    public static List<string> Users(InMemoryUserStore store, ScimContext context, int count, string prefix = "user", bool scrambled = false)
    {
        ArgumentNullException.ThrowIfNull(store);
        var ids = new List<string>(count);
        var created = DateTimeOffset.UtcNow;
        var order = Enumerable.Range(0, count).ToArray();
        if (scrambled)
        {
            new Random(7).Shuffle(order);
        }

        for (var i = 0; i < count; i++)
        {
            // Through the serializer, as a request's user arrives: every string its own copy.
            var entra = EntraUser($"{prefix}{i}", i, created);
            entra.Id = Guid.CreateVersion7(created.AddMilliseconds(order[i])).ToString();
            var user = ScimSerializer.ToUser(ScimSerializer.ToJsonObject(entra));
            store.CreateAsync(context, user, CancellationToken.None).GetAwaiter().GetResult();
            ids.Add(user.Id!);
        }

        return ids;
    }

    /// <summary>A user as Entra ID sends one: userName, externalId, name, displayName, a work email, active, and the enterprise extension.</summary>
    public static User EntraUser(string name, int i, DateTimeOffset created) => new()
    {
        // One millisecond apart, so ids increase in creation order as the service's ids do.
        Id = Guid.CreateVersion7(created.AddMilliseconds(i)).ToString(),
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
