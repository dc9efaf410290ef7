using System.Text;
using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using Scim.Core.Patching;
using Scim.Core.Resources;
using Scim.Core.Schema;
using Scim.Core.Serialization;

namespace Scim.Benchmarks;

/// <summary>
/// PATCH: the three-operation user update IdPs send most (replace active; replace the work email;
/// add title), and adding one member to a group of 10 and of 100,000 members through the delta path.
/// Apply changes its resource, so each call patches a fresh copy; CloneUser measures that copy alone.
/// </summary>
[MemoryDiagnoser]
public class PatchBenchmarks
{
    private static readonly byte[] ThreeOperations = Encoding.UTF8.GetBytes("""
        {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[
          {"op":"replace","path":"active","value":false},
          {"op":"replace","path":"emails[type eq \"work\"].value","value":"barbara.jensen@example.com"},
          {"op":"add","path":"title","value":"Tour Guide"}]}
        """);

    private static readonly byte[] AddOneMember = Encoding.UTF8.GetBytes("""
        {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[
          {"op":"add","path":"members","value":[{"value":"2819c223-7f76-453a-919d-413861904646"}]}]}
        """);

    private readonly SchemaRegistry _registry = SchemaRegistry.CreateDefault();
    private ScimPatcher _patcher = null!;
    private ScimResourceType _userType = null!;
    private ScimResourceType _groupType = null!;
    private JsonObject _user = null!;
    private PatchRequest _threeOperations = null!;
    private PatchRequest _addOneMember = null!;
    private JsonObject _smallGroup = null!;
    private JsonObject _largeGroup = null!;

    [GlobalSetup]
    public void Setup()
    {
        _patcher = new ScimPatcher(_registry);
        _userType = _registry.FindResourceType("User")!;
        _groupType = _registry.FindResourceType("Group")!;
        _user = ScimSerializer.ToJsonObject(new User
        {
            Id = "2819c223-7f76-453a-919d-413861904646",
            UserName = "bjensen@example.com",
            Active = true,
            DisplayName = "Barbara Jensen",
            Name = new Name { GivenName = "Barbara", FamilyName = "Jensen" },
            Emails = [new Email { Value = "bjensen@example.com", Type = "work", Primary = true }],
            EnterpriseUser = new EnterpriseUser { EmployeeNumber = "701984", Department = "Tour Operations" },
        });
        _threeOperations = _patcher.ReadRequest(ThreeOperations);
        _addOneMember = _patcher.ReadRequest(AddOneMember);
        _smallGroup = Group(10);
        _largeGroup = Group(100_000);
    }

    [Benchmark(Baseline = true)]
    public JsonObject CloneUser() => (JsonObject)_user.DeepClone();

    [Benchmark]
    public PatchResult ApplyThreeOperations() => _patcher.Apply((JsonObject)_user.DeepClone(), _userType, _threeOperations);

    [Benchmark]
    public PatchResult ReadAndApplyThreeOperations() => _patcher.Apply((JsonObject)_user.DeepClone(), _userType, _patcher.ReadRequest(ThreeOperations));

    [Benchmark]
    public PatchResult AddMemberToGroupOf10() => _patcher.Apply(_smallGroup, _groupType, _addOneMember);

    [Benchmark]
    public PatchResult AddMemberToGroupOf100000() => _patcher.Apply(_largeGroup, _groupType, _addOneMember);

    private static JsonObject Group(int members)
    {
        var group = new Group { Id = "g", DisplayName = "All staff" };
        for (var i = 0; i < members; i++)
        {
            group.Members.Add(new GroupMember { Value = i.ToString(System.Globalization.CultureInfo.InvariantCulture), Type = "User" });
        }

        return ScimSerializer.ToJsonObject(group);
    }
}
