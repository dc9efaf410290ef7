using Scim.Core.Querying;

namespace Scim.Core.Tests.Querying;

/// <summary>A store's own user table, mapped with <see cref="AttributeMapping{T}"/>, and three rows of it.</summary>
internal static class UserRows
{
    /// <summary>
    /// id, userName, name.givenName/familyName, active, meta.created (a UTC <see cref="DateTime"/>),
    /// the Acme level (a byte) and emails as a child collection; nothing else.
    /// </summary>
    public static AttributeMapping<UserRow> Mapping { get; } = new AttributeMapping<UserRow>()
        .Map("id", r => r.Key)
        .Map("userName", r => r.Email)
        .Map("name.givenName", r => r.FirstName)
        .Map("name.familyName", r => r.LastName)
        .Map("active", r => r.IsActive)
        .Map("meta.created", r => r.Created)
        .Map($"{SampleUsers.AcmeUrn}:level", r => r.Level)
        .MapCollection("emails", r => r.Addresses, e => e
            .Map("value", a => a.Address)
            .Map("type", a => a.Kind)
            .Map("primary", a => a.IsPrimary));

    /// <summary>
    /// R1: John Doe, active, created 2020-01-01T00:00Z, home john@home.org, then work john@X.com (primary).
    /// r2: Mary Major, inactive, created 2019-12-31T23:00Z, work mary@y.com and home mary@x.com.
    /// r3: Roe (no first name), active, created 2021-06-01, no emails.
    /// </summary>
    public static List<UserRow> Create() =>
    [
        new()
        {
            Key = "R1", Email = "jdoe@x.com", FirstName = "John", LastName = "Doe", IsActive = true, Level = 1,
            Created = new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc),
            Addresses = [new() { Address = "john@home.org", Kind = "home" }, new() { Address = "john@X.com", Kind = "work", IsPrimary = true }],
        },
        new()
        {
            Key = "r2", Email = "Mary@y.com", FirstName = "Mary", LastName = "Major", IsActive = false, Level = 3,
            Created = new DateTime(2019, 12, 31, 23, 0, 0, DateTimeKind.Utc),
            Addresses = [new() { Address = "mary@y.com", Kind = "work" }, new() { Address = "mary@x.com", Kind = "home" }],
        },
        new()
        {
            Key = "r3", Email = "jane", FirstName = null, LastName = "Roe", IsActive = true, Level = 200,
            Created = new DateTime(2021, 6, 1, 0, 0, 0, DateTimeKind.Utc),
        },
    ];
}

/// <summary>A row of a store's own users table.</summary>
internal sealed class UserRow
{
    public string Key { get; set; } = string.Empty;

    public string? Email { get; set; }

    public string? FirstName { get; set; }

    public string? LastName { get; set; }

    public bool IsActive { get; set; }

    public DateTime Created { get; set; }

    public byte Level { get; set; }

    public List<EmailRow> Addresses { get; set; } = [];
}

/// <summary>A row of a store's email addresses table.</summary>
internal sealed class EmailRow
{
    public string Address { get; set; } = string.Empty;

    public string? Kind { get; set; }

    public bool IsPrimary { get; set; }
}
