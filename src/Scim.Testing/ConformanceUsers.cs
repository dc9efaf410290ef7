using System.Globalization;
using Scim.Core.Resources;

namespace Scim.Testing;

/// <summary>
/// The fixed population the filter and sort suites load into a store: 30 varied users (names in
/// several casings, typed emails with at most one primary, phone numbers, addresses, active
/// true/false/absent, Enterprise User fields, meta dates written with different offsets) built
/// from cycles over small vocabularies, so every filter of <see cref="FilterCorpus"/> selects some
/// users and not others.
/// </summary>
/// <remarks>
/// Strings that are compared or sorted are ASCII letters and digits, and email local parts have
/// a fixed length, so ordinal order, culture order and database collations agree on them. Ids are
/// <c>u0000x{runId}</c> ... <c>u0029x{runId}</c>: unique per test, and in index order.
/// </remarks>
public static class ConformanceUsers
{
    /// <summary>How many users <see cref="Create"/> makes.</summary>
    public const int Count = 30;

    private static readonly string[] GivenNames = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi"];
    private static readonly string[] FamilyNames = ["Smith", "Jones", "Brown", "Taylor", "Wilson", "Davis"];
    private static readonly string[] Domains = ["example.com", "Example.COM", "other.org", "mail.net"];
    private static readonly string[] Departments = ["Sales", "sales", "Research", "Support"];
    private static readonly string?[] Titles = [null, "Engineer", "engineer", "ENGINEER", "Manager", "Director", "Intern", "VP", "Designer"];
    private static readonly string?[] EmailTypes = [null, "work", "home", "other"];
    private static readonly string?[] PhoneTypes = [null, "work", "home", "mobile"];
    private static readonly (string Locality, string Country)[] Places = [("Berlin", "DE"), ("Paris", "FR"), ("Austin", "US"), ("Osaka", "JP")];
    private static readonly TimeSpan[] Offsets = [TimeSpan.Zero, TimeSpan.FromHours(-8), new TimeSpan(5, 30, 0), TimeSpan.FromHours(14), TimeSpan.FromHours(-12)];

    /// <summary>The id of the user with this index.</summary>
    /// <param name="index">0 to <see cref="Count"/> - 1.</param>
    /// <param name="runId">The test's run id (lower-case letters and digits).</param>
    /// <returns>The id.</returns>
    public static string IdOf(int index, string runId) => string.Create(CultureInfo.InvariantCulture, $"u{index:D4}x{runId}");

    /// <summary>Makes the population (new objects on every call: a store may keep what it is given).</summary>
    /// <param name="runId">The test's run id, made part of every id (lower-case letters and digits).</param>
    /// <returns>The users, in id order.</returns>
    public static IReadOnlyList<User> Create(string runId)
    {
        ArgumentException.ThrowIfNullOrEmpty(runId);
        if (!runId.All(c => char.IsAsciiDigit(c) || char.IsAsciiLetterLower(c)))
        {
            throw new ArgumentException("The run id must be lower-case ASCII letters and digits.", nameof(runId));
        }

        return [.. Enumerable.Range(0, Count).Select(i => CreateOne(i, runId))];
    }

    private static User CreateOne(int i, string runId)
    {
        var given = GivenNames[i % GivenNames.Length];
        var family = FamilyNames[((i * 5) + 1) % FamilyNames.Length];
        var created = i == 17
            ? new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero)
            : new DateTimeOffset(2015, 1, 1, 0, 0, 0, TimeSpan.Zero).AddDays(i * 113).AddSeconds(i * 3671).ToOffset(Offsets[i % Offsets.Length]);
        return new User
        {
            Id = IdOf(i, runId),
            ExternalId = (i % 4) switch
            {
                0 => null,
                1 => Invariant($"{i * 7919 % 10000:D4}"),
                _ => Invariant($"{GivenNames[i * 5 / 3 % GivenNames.Length][..2]}{i * 31 % 1000}"),
            },
            UserName = Invariant($"{Casing(given, i)}{i}"),
            Title = i == 13 ? string.Empty : Titles[i % Titles.Length],
            NickName = i % 3 == 0 ? Casing(GivenNames[(i + 3) % GivenNames.Length], i + 1) : null,
            DisplayName = i % 4 == 3 ? null : Invariant($"{Casing(given, i + 2)}{family}{i}"),
            Active = (i % 3) switch { 0 => null, 1 => true, _ => false },
            Name = i % 7 == 6 ? null : new Name
            {
                GivenName = i % 6 == 5 ? null : Casing(given, i),
                FamilyName = i % 6 == 4 ? null : Casing(family, i + 1),
                Formatted = i % 2 == 0 ? $"{given} {family}" : null,
            },
            Emails = [.. Enumerable.Range(0, i % 4).Select(k => new Email
            {
                Value = Invariant($"{GivenNames[(i + (5 * k) + 3) % GivenNames.Length][..3]}{i:D2}{k}@{Domains[(i + k) % Domains.Length]}"),
                Type = EmailTypes[(i + k) % EmailTypes.Length],
                Primary = k == i % 3 ? true : (i + k) % 2 == 0 ? false : null,
            })],
            PhoneNumbers = [.. Enumerable.Range(0, i % 3).Select(k => new PhoneNumber
            {
                Value = Invariant($"555{((i * 1301) + (k * 7)) % 10000:D4}"),
                Type = PhoneTypes[(i + (2 * k)) % PhoneTypes.Length],
                Primary = k == 0 && i % 2 == 1 ? true : null,
            })],
            Addresses = i % 5 == 0 ? [] : [.. Enumerable.Range(0, i % 4 == 1 ? 2 : 1).Select(k => new Address
            {
                Type = k == 1 ? "other" : i % 2 == 0 ? "work" : "home",
                StreetAddress = Invariant($"{i + 1} Main Street"),
                Locality = Places[(i + k) % Places.Length].Locality,
                Country = Places[(i + k) % Places.Length].Country,
                PostalCode = Invariant($"{(i * 4099) % 90000 + 10000}"),
                Primary = k == 0 && i % 3 == 0 ? true : null,
            })],
            EnterpriseUser = i % 5 == 1 ? null : new EnterpriseUser
            {
                EmployeeNumber = (i % 10) switch
                {
                    < 3 => null,
                    _ when i % 2 == 0 => Invariant($"E{100 + i}"),
                    _ => Invariant($"{1000 + (i * 17)}"),
                },
                Department = i % 5 == 4 ? null : Departments[i % Departments.Length],
                Manager = i % 3 == 0 ? new Manager { Value = IdOf((i + 5) % Count, runId), DisplayName = GivenNames[(i + 1) % GivenNames.Length] } : null,
            },
            Meta = new ResourceMeta
            {
                ResourceType = "User",
                Created = created,
                LastModified = created.AddDays((i * 17) + 1).ToOffset(Offsets[(i + 2) % Offsets.Length]),
                Version = Invariant($"W/\"seed-{i}\""),
            },
        };
    }

    private static string Casing(string text, int variant) => (variant % 3) switch
    {
        0 => text.ToUpperInvariant(),
        1 => char.ToUpperInvariant(text[0]) + text[1..],
        _ => text.ToLowerInvariant(),
    };

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
