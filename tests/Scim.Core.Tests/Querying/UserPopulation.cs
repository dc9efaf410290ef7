using Scim.Core.Resources;

namespace Scim.Core.Tests.Querying;

/// <summary>
/// A deterministic population of varied typed users (seeded <see cref="Random"/>) for the
/// differential tests, drawn from a small vocabulary so that the filters in those tests select
/// some users and not others.
/// </summary>
/// <remarks>
/// Every generated string is ASCII letters and digits (plus the fixed '@', '.' of email domains
/// and nothing else). LINQ to Objects compares strings with <see cref="string.Compare(string, string)"/>
/// and the default comparer, which are culture-sensitive, while the JSON side compares ordinally;
/// on such strings, after folding to upper case, the two orders agree. Case-exact attributes
/// (<c>id</c>, <c>externalId</c>) use lower case and digits only, since culture order puts
/// "a" before "B" where ordinal order does not. Email local parts have a fixed length so that
/// '@' (which sorts before digits in culture order, after them ordinally) is never compared with
/// a letter or digit.
/// </remarks>
internal static class UserPopulation
{
    public static readonly string[] GivenNames = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi"];
    public static readonly string[] FamilyNames = ["Smith", "Jones", "Brown", "Taylor", "Wilson", "Davis"];
    public static readonly string[] Domains = ["example.com", "Example.COM", "other.org", "mail.net"];
    public static readonly string[] Departments = ["Sales", "sales", "Research", "Support"];
    private static readonly string?[] Titles = [null, "Engineer", "engineer", "ENGINEER", "Manager", "Director", "Intern", "VP", "Designer"];
    private static readonly string?[] EmailTypes = [null, "work", "home", "other"];
    private static readonly string?[] PhoneTypes = [null, "work", "home", "mobile"];
    private static readonly TimeSpan[] Offsets = [TimeSpan.Zero, TimeSpan.FromHours(-8), new TimeSpan(5, 30, 0), TimeSpan.FromHours(14), TimeSpan.FromHours(-12)];
    private const string Lower = "abcdefghijklmnopqrstuvwxyz";
    private const string Digits = "0123456789";

    /// <summary>Generates <paramref name="count"/> users with ids <c>u0000</c>, <c>u0001</c>, ...</summary>
    /// <param name="count">How many users.</param>
    /// <param name="seed">The random seed.</param>
    /// <param name="emptyStrings">Whether some strings are "" (a filter's "no value"; sorting treats "" differently per side, see ScimSorterTests).</param>
    public static List<User> Generate(int count, int seed, bool emptyStrings)
    {
        var random = new Random(seed);
        var users = new List<User>(count);
        for (var i = 0; i < count; i++)
        {
            users.Add(Create(random, i, emptyStrings));
        }

        return users;
    }

    private static User Create(Random random, int index, bool emptyStrings)
    {
        var given = Pick(random, GivenNames);
        var user = new User
        {
            Id = $"u{index:D4}",
            ExternalId = random.Next(10) switch
            {
                < 3 => null,
                < 5 => Text(random, Digits, 4),
                _ => Text(random, Lower + Digits, random.Next(3, 7)),
            },
            UserName = Casing(random, given) + random.Next(100).ToString(System.Globalization.CultureInfo.InvariantCulture),
            Title = emptyStrings && random.Next(12) == 0 ? string.Empty : Pick(random, Titles),
            NickName = random.Next(3) == 0 ? Casing(random, Pick(random, GivenNames)) : null,
            DisplayName = random.Next(2) == 0 ? given + Pick(random, FamilyNames) : null,
            Active = random.Next(3) switch { 0 => null, 1 => true, _ => false },
            Name = random.Next(7) == 0 ? null : new Name
            {
                GivenName = random.Next(6) == 0 ? null : Casing(random, given),
                FamilyName = random.Next(6) switch
                {
                    0 => null,
                    1 when emptyStrings => string.Empty,
                    _ => Casing(random, Pick(random, FamilyNames)),
                },
            },
            Emails = MultiValued<Email>(random, random.Next(4), EmailTypes, () => Text(random, Lower + Digits, 5) + "@" + Pick(random, Domains)),
            PhoneNumbers = MultiValued<PhoneNumber>(random, random.Next(3), PhoneTypes, () => "555" + Text(random, Digits, 4)),
            EnterpriseUser = random.Next(5) < 2 ? null : new EnterpriseUser
            {
                EmployeeNumber = random.Next(10) switch
                {
                    < 3 => null,
                    < 6 => "E" + Text(random, Digits, 3),
                    _ => Text(random, Digits, 4),
                },
                Department = random.Next(5) == 0 ? null : Pick(random, Departments),
                Manager = random.Next(3) == 0 ? new Manager { Value = $"u{random.Next(300):D4}", DisplayName = Pick(random, GivenNames) } : null,
            },
            Meta = random.Next(10) == 0 ? null : CreateMeta(random),
        };
        return user;
    }

    private static ResourceMeta CreateMeta(Random random)
    {
        // Whole seconds between 2015 and 2025, each written with one of several offsets.
        var instant = new DateTimeOffset(2015, 1, 1, 0, 0, 0, TimeSpan.Zero).AddSeconds(random.NextInt64(10L * 365 * 24 * 3600));
        var created = instant.ToOffset(Pick(random, Offsets));
        return new ResourceMeta
        {
            ResourceType = "User",
            Created = created,
            LastModified = random.Next(5) == 0 ? null : created.AddSeconds(random.Next(1, 3 * 365 * 24 * 3600)).ToOffset(Pick(random, Offsets)),
        };
    }

    private static List<T> MultiValued<T>(Random random, int count, string?[] types, Func<string> value)
        where T : MultiValuedAttribute, new()
    {
        // At most one primary (RFC 7643 §2.4); the others have primary false or none.
        var primary = random.Next(2) == 0 ? random.Next(Math.Max(count, 1)) : -1;
        var values = new List<T>(count);
        for (var i = 0; i < count; i++)
        {
            values.Add(new T
            {
                Value = value(),
                Type = Pick(random, types),
                Primary = i == primary ? true : random.Next(2) == 0 ? false : null,
            });
        }

        return values;
    }

    private static string Casing(Random random, string text) => random.Next(3) switch
    {
        0 => text.ToUpperInvariant(),
        1 => char.ToUpperInvariant(text[0]) + text[1..],
        _ => text.ToLowerInvariant(),
    };

    private static string Text(Random random, string alphabet, int length) =>
        string.Create(length, (random, alphabet), static (span, state) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = state.alphabet[state.random.Next(state.alphabet.Length)];
            }
        });

    private static T Pick<T>(Random random, T[] values) => values[random.Next(values.Length)];
}
