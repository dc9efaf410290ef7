using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CsCheck;
using Scim.Core.Resources;
using Scim.Core.Schema;
using Scim.Core.Serialization;

namespace Scim.Core.Tests.Serialization;

/// <summary>
/// The hand-written resource writer against the contract-driven serializer it replaced on the
/// hot path: for any user or group, the two write the same bytes.
/// </summary>
public sealed class ResourceWriterAgreementTests
{
    private const int Iterations = 2_000;

    // Text that needs escaping in JSON, text the relaxed encoder keeps, and plain text.
    private static readonly Gen<string?> Text = Gen.Frequency(
        (3, Gen.Const<string?>((string?)null)),
        (4, Gen.String[Gen.Char.AlphaNumeric, 0, 12].Select(s => (string?)s)),
        (1, Gen.OneOf<string?>("O'Brien", "Zoë <b>&</b>", "line\nbreak", "quote \" and \\", "日本語", "emoji 😀", string.Empty)));

    private static readonly Gen<bool?> Flag = Gen.OneOf<bool?>(null, true, false);

    private static readonly Gen<DateTimeOffset?> Time = Gen.Frequency(
        (1, Gen.Const<DateTimeOffset?>((DateTimeOffset?)null)),
        (3, Gen.Long[0, 4_000_000_000_000L].Select(ms => (DateTimeOffset?)DateTimeOffset.FromUnixTimeMilliseconds(ms).ToOffset(TimeSpan.FromMinutes(ms % 3 * 90)))));

    private static Gen<List<T>?> ListOf<T>(Gen<T> element) => Gen.Frequency(
        (3, Gen.Const<List<T>?>((List<T>?)null)),
        (1, Gen.Const<List<T>?>(static () => [])),
        (3, element.List[1, 3].Select(l => (List<T>?)l)));

    private static Gen<T> Valued<T>()
        where T : MultiValuedAttribute, new() =>
        Gen.Select(Text, Text, Text, Flag).Select((v, d, t, p) => new T { Value = v, Display = d, Type = t, Primary = p });

    private static readonly Gen<Name?> NameGen = Gen.Frequency(
        (1, Gen.Const<Name?>((Name?)null)),
        (3, Gen.Select(Text, Text, Text, Text, Text, Text).Select((a, b, c, d, e, f) => (Name?)new Name { Formatted = a, FamilyName = b, GivenName = c, MiddleName = d, HonorificPrefix = e, HonorificSuffix = f })));

    private static readonly Gen<Address> AddressGen = Gen.Select(Gen.Select(Text, Text, Text, Text), Gen.Select(Text, Text, Text, Flag))
        .Select((a, b) => new Address { Formatted = a.Item1, StreetAddress = a.Item2, Locality = a.Item3, Region = a.Item4, PostalCode = b.Item1, Country = b.Item2, Type = b.Item3, Primary = b.Item4 });

    private static readonly Gen<UserGroup> UserGroupGen = Gen.Select(Text, Text, Text, Text).Select((v, r, d, t) => new UserGroup { Value = v, Ref = r, Display = d, Type = t });

    private static readonly Gen<EnterpriseUser?> EnterpriseGen = Gen.Frequency(
        (2, Gen.Const<EnterpriseUser?>((EnterpriseUser?)null)),
        (3, Gen.Select(Gen.Select(Text, Text, Text, Text, Text), Gen.Int[0, 2], Text, Text).Select((e, m, mv, md) => (EnterpriseUser?)new EnterpriseUser
        {
            EmployeeNumber = e.Item1,
            CostCenter = e.Item2,
            Organization = e.Item3,
            Division = e.Item4,
            Department = e.Item5,
            Manager = m switch { 0 => null, 1 => new Manager(), _ => new Manager { Value = mv, DisplayName = md, Ref = mv is null ? null : "../Users/" + mv } },
        })));

    private static readonly Gen<ResourceMeta?> MetaGen = Gen.Frequency(
        (1, Gen.Const<ResourceMeta?>((ResourceMeta?)null)),
        (3, Gen.Select(Text, Time, Time, Text, Text).Select((r, c, m, l, v) => (ResourceMeta?)new ResourceMeta { ResourceType = r, Created = c, LastModified = m, Location = l, Version = v })),

        // Never changed since creation: both stamps the same instant (the writer formats it once), seen from another offset.
        (2, Gen.Select(Text, Time, Text, Text).Select((r, c, l, v) => (ResourceMeta?)new ResourceMeta { ResourceType = r, Created = c, LastModified = c?.ToOffset(TimeSpan.FromHours(-5)), Location = l, Version = v })));

    // Extensions keyed by URN, some empty (left out), one named like a typed schema in another case.
    private static readonly Gen<(string Key, JsonObject Value)[]> ExtensionsGen = Gen.Select(Gen.Int[0, 3], Gen.Int[0, 3], Gen.String[Gen.Char.AlphaNumeric, 1, 8], Gen.Bool)
        .Select((count, shape, word, flag) => Enumerable.Range(0, count).Select(i => (
            Key: i == 2 && shape == 3 ? ScimSchemaUris.EnterpriseUser.ToUpperInvariant() : $"urn:example:params:scim:schemas:extension:{word}{i}:2.0:User",
            Value: shape == 0 && i == 0 ? new JsonObject() : new JsonObject { ["plain"] = word, ["number"] = i * 1.5, ["flag"] = flag, ["list"] = new JsonArray(word, i), ["nested"] = new JsonObject { ["a"] = word } })).ToArray());

    private static readonly Gen<User> UserGen =
        Gen.Select(
            Gen.Select(Text, Text, Text, NameGen, Text, Text, Text),
            Gen.Select(Text, Text, Text, Text, Text, Flag, Text),
            Gen.Select(ListOf(Valued<Email>()), ListOf(Valued<PhoneNumber>()), ListOf(Valued<InstantMessagingAddress>()), ListOf(Valued<Photo>()), ListOf(AddressGen), ListOf(UserGroupGen)),
            Gen.Select(ListOf(Valued<Entitlement>()), ListOf(Valued<Role>()), ListOf(Valued<X509Certificate>()), EnterpriseGen, MetaGen, ExtensionsGen))
        .Select((a, b, c, d) =>
        {
            var user = new User
            {
                Id = a.Item1, ExternalId = a.Item2, UserName = a.Item3, Name = a.Item4, DisplayName = a.Item5, NickName = a.Item6, ProfileUrl = a.Item7,
                Title = b.Item1, UserType = b.Item2, PreferredLanguage = b.Item3, Locale = b.Item4, Timezone = b.Item5, Active = b.Item6, Password = b.Item7,
                EnterpriseUser = d.Item4, Meta = d.Item5,
            };
            Assign(c.Item1, l => user.Emails = l);
            Assign(c.Item2, l => user.PhoneNumbers = l);
            Assign(c.Item3, l => user.Ims = l);
            Assign(c.Item4, l => user.Photos = l);
            Assign(c.Item5, l => user.Addresses = l);
            Assign(c.Item6, l => user.Groups = l);
            Assign(d.Item1, l => user.Entitlements = l);
            Assign(d.Item2, l => user.Roles = l);
            Assign(d.Item3, l => user.X509Certificates = l);
            foreach (var (key, value) in d.Item6)
            {
                user.Extensions[key] = value;
            }

            return user;
        });

    private static readonly Gen<Group> GroupGen =
        Gen.Select(Text, Text, Text, ListOf(Gen.Select(Text, Text, Text, Text).Select((v, r, d, t) => new GroupMember { Value = v, Ref = r, Display = d, Type = t })), MetaGen, ExtensionsGen)
        .Select((id, externalId, displayName, members, meta, extensions) =>
        {
            var group = new Group { Id = id, ExternalId = externalId, DisplayName = displayName, Members = members!, Meta = meta };
            foreach (var (key, value) in extensions)
            {
                group.Extensions[key] = value;
            }

            return group;
        });

    private static void Assign<T>(List<T>? list, Action<List<T>> set)
    {
        if (list is not null)
        {
            set(list);
        }
    }

    [Fact]
    public void Write_AnyUser_SameBytesAsTheContractSerializer() =>
        UserGen.Sample(user => Assert.Equal(ByContract(user), ByWriter(w => ResourceWriter.Write(w, user))), iter: Iterations);

    [Fact]
    public void Write_AnyGroup_SameBytesAsTheContractSerializer() =>
        GroupGen.Sample(group => Assert.Equal(ByContract(group), ByWriter(w => ResourceWriter.Write(w, group))), iter: Iterations);

    [Fact]
    public void Write_AsAResponse_SameBytesAsTheContractSerializerOnThePreparedCopy() =>
        Gen.Select(UserGen, Gen.OneOf<string?>(null, "https://example.com/scim/v2/Users/", "https://example.com/t/ü/Users/"), ListOf(UserGroupGen)).Sample((user, prefix, groups) =>
        {
            var copy = (User)user.ShallowCopy();
            var location = prefix is null || user.Id is null ? null : prefix + Uri.EscapeDataString(user.Id);
            copy.Meta = new ResourceMeta { ResourceType = "User", Created = user.Meta?.Created, LastModified = user.Meta?.LastModified, Version = user.Meta?.Version, Location = location };
            copy.Groups = groups ?? [];
            var before = ByContract(user);

            var written = ByWriter(w => ResourceWriter.Write(w, user, new ResponseParts("User", prefix, groups)));

            Assert.Equal(ByContract(copy), written);
            Assert.Equal(before, ByContract(user)); // the stored user is not changed
        }, iter: Iterations);

    [Fact]
    public void Write_EntraShapedUser_WritesTheExpectedDocument()
    {
        var user = new User
        {
            Id = "2819c223",
            UserName = "bjensen@example.com",
            Active = true,
            Password = "secret",
            Emails = [new Email { Value = "bjensen@example.com", Type = "work", Primary = true }],
            EnterpriseUser = new EnterpriseUser { Department = "Tour Operations", Manager = new Manager { Value = "26118915" } },
            Meta = new ResourceMeta { Created = new DateTimeOffset(2026, 11, 28, 10, 0, 0, TimeSpan.Zero), Version = "W/\"a\"" },
        };

        var json = ByWriter(w => ResourceWriter.Write(w, user, new ResponseParts("User", "https://example.com/scim/v2/Users/", null)));

        Assert.Equal(
            """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],"id":"2819c223","userName":"bjensen@example.com","active":true,"emails":[{"value":"bjensen@example.com","type":"work","primary":true}],"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"Tour Operations","manager":{"value":"26118915"}},"meta":{"resourceType":"User","created":"2026-11-28T10:00:00Z","location":"https://example.com/scim/v2/Users/2819c223","version":"W/\"a\""}}""",
            json);
    }

    [Fact]
    public void Write_GroupLargerThanTheEmitterBuffer_SameBytesAsTheContractSerializer()
    {
        // 5,000 members is about 650 KB: the per-thread buffer grows several times, and the next
        // write on the thread starts clean.
        var group = new Group
        {
            Id = "g1",
            DisplayName = "Everyone",
            Members = [.. Enumerable.Range(0, 5_000).Select(i => new GroupMember { Value = $"{i:D8}-0000-4000-8000-000000000000", Ref = $"https://example.com/scim/v2/Users/{i:D8}", Display = i % 7 == 0 ? $"Zoë \"{i}\"" : $"User {i}", Type = "User" })],
        };

        Assert.Equal(ByContract(group), ByWriter(w => ResourceWriter.Write(w, group)));
        var small = new Group { Id = "g2", DisplayName = "Few" };
        Assert.Equal(ByContract(small), ByWriter(w => ResourceWriter.Write(w, small)));
    }

    [Fact]
    public void Write_ExtensionWithNonAsciiText_KeepsItReadable()
    {
        // The contract serializer wrote extension values through an intermediate JsonElement,
        // which escaped "ë" as \u00EB; the writer keeps the relaxed escaping for them too.
        var user = new User { UserName = "zoe" };
        user.Extensions["urn:example:params:scim:schemas:extension:hr:2.0:User"] = new JsonObject { ["nickname"] = "Zoë \"Z\"" };

        var json = ByWriter(w => ResourceWriter.Write(w, user));

        Assert.Contains("\"urn:example:params:scim:schemas:extension:hr:2.0:User\":{\"nickname\":\"Zoë \\\"Z\\\"\"}", json, StringComparison.Ordinal);
    }

    private static string ByContract(ScimResource resource) => ByWriter(w =>
    {
        if (resource is User user)
        {
            JsonSerializer.Serialize(w, user, ScimJson.UserInfo);
        }
        else
        {
            JsonSerializer.Serialize(w, (Group)resource, ScimJson.GroupInfo);
        }
    });

    private static string ByWriter(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, ScimSerializer.WriterOptions))
        {
            write(writer);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
