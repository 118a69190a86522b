using CodeLsp.Features.NextEdits;

namespace CodeLsp.Features.Tests.NextEdits;

/// <summary>The scenarios, and the negative cases, as data.</summary>
public static class NextEditScenarios
{
    private static Dictionary<string, string> Files(params (string Name, string Text)[] files) => files.ToDictionary(f => f.Name, f => f.Text);

    private const string Cart = """
        using System.Threading;
        namespace Shop;
        public sealed class Cart
        {
            public void Add(decimal price) { }
        }
        """;

    private const string Checkout = """
        using System.Threading;
        namespace Shop;
        public static class Checkout
        {
            public static void Run(Cart cart, CancellationToken cancellationToken)
            {
                cart.Add(1m);
                cart.Add(2m);
            }
        }
        """;

    private const string Import = """
        namespace Shop;
        public static class Import
        {
            public static void Load(Cart cart)
            {
                cart.Add(3m);
            }
        }
        """;

    public static readonly NextEditScenario AddParameter = new("add a parameter: 3 calls in 2 files, a matching local at two",
        Files(("Cart.cs", Cart), ("Checkout.cs", Checkout), ("Import.cs", Import)), "Cart.cs", "decimal price)", "decimal price, CancellationToken cancellationToken)")
    {
        Kinds = [EditKind.ParameterAdded],
        Expected = new Dictionary<string, string>
        {
            ["Checkout.cs"] = Checkout.Replace("cart.Add(1m);", "cart.Add(1m, cancellationToken);").Replace("cart.Add(2m);", "cart.Add(2m, cancellationToken);"),
        },
        ModelSites = 1,
        RemainingErrors = 1,
    };

    private const string Scaler = """
        namespace Shop;
        public static class Scaler
        {
            public static int Scale(int count)
            {
                var doubled = count * 2;
                return doubled + count;
            }

            public static int Twice() => Scale(count: 2);
        }
        """;

    public static readonly NextEditScenario RenameParameter = new("rename a parameter by typing over it in the declaration",
        Files(("Scaler.cs", Scaler)), "Scaler.cs", "Scale(int count)", "Scale(int total)")
    {
        Kinds = [EditKind.Renamed],
        Expected = new Dictionary<string, string>
        {
            ["Scaler.cs"] = Scaler.Replace("Scale(int count)", "Scale(int total)").Replace("count * 2", "total * 2").Replace("doubled + count", "doubled + total").Replace("count: 2", "total: 2"),
        },
    };

    private const string Counter = """
        namespace Shop;
        public sealed class Counter
        {
            private int _count;

            public void Increment() => _count++;

            public int Read()
            {
                return _count;
            }
        }
        """;

    public static readonly NextEditScenario RenameField = new("rename a private field",
        Files(("Counter.cs", Counter)), "Counter.cs", "private int _count;", "private int _total;")
    {
        Kinds = [EditKind.Renamed],
        Expected = new Dictionary<string, string> { ["Counter.cs"] = Counter.Replace("_count", "_total") },
    };

    private const string LedgerState = """
        namespace Shop;
        public sealed partial class Ledger
        {
            private int _balance;

            private void Post(int amount, string memo) => _balance += amount;
        }
        """;

    private const string LedgerUse = """
        namespace Shop;
        public sealed partial class Ledger
        {
            public void Deposit(int amount) => Post(amount, memo: "deposit");

            private sealed class Audit
            {
                public int Read(Ledger ledger) => ledger._balance;
            }
        }
        """;

    /// <summary>A private member's references are searched only in its type's documents: both parts of a partial type, nested types included.</summary>
    public static readonly NextEditScenario RenamePrivateFieldOfPartial = new("rename a private field used in another part of a partial type",
        Files(("LedgerState.cs", LedgerState), ("LedgerUse.cs", LedgerUse)), "LedgerState.cs", "private int _balance;", "private int _total;")
    {
        Kinds = [EditKind.Renamed],
        Expected = new Dictionary<string, string>
        {
            ["LedgerState.cs"] = LedgerState.Replace("_balance", "_total"),
            ["LedgerUse.cs"] = LedgerUse.Replace("_balance", "_total"),
        },
    };

    public static readonly NextEditScenario RenamePrivateParameterNamedArgument = new("rename a private method's parameter passed by name in another part",
        Files(("LedgerState.cs", LedgerState), ("LedgerUse.cs", LedgerUse)), "LedgerState.cs", "int amount, string memo)", "int amount, string note)")
    {
        Kinds = [EditKind.Renamed],
        Expected = new Dictionary<string, string>
        {
            ["LedgerState.cs"] = LedgerState.Replace("string memo", "string note"),
            ["LedgerUse.cs"] = LedgerUse.Replace("memo:", "note:"),
        },
    };

    private const string Item = """
        namespace Shop;
        public sealed class Item
        {
            public int Quantity { get; set; }
        }
        """;

    private const string Report = """
        namespace Shop;
        public static class Report
        {
            public static int Total(Item item)
            {
                int total = item.Quantity;
                return total;
            }

            public static long Sum(Item item)
            {
                long sum = item.Quantity;
                return sum;
            }
        }
        """;

    public static readonly NextEditScenario PropertyType = new("change a property's type from int to long: an assignment needs a cast",
        Files(("Item.cs", Item), ("Report.cs", Report)), "Item.cs", "public int Quantity", "public long Quantity")
    {
        Kinds = [EditKind.TypeChanged],
        Expected = new Dictionary<string, string> { ["Report.cs"] = Report.Replace("int total = item.Quantity;", "int total = (int)item.Quantity;") },
    };

    private const string Shapes = """
        namespace Shop;
        public interface IShape
        {
            double Area();
        }

        public sealed class Circle : IShape { public double Area() => 3.14; }

        public sealed class Square : IShape
        {
            public double Area() => 1;
        }
        """;

    public static readonly NextEditScenario InterfaceMember = new("add an interface member with 2 implementers",
        Files(("Shapes.cs", Shapes)), "Shapes.cs", "double Area();", "double Area();\n    string Name { get; }")
    {
        Kinds = [EditKind.AbstractMemberAdded],
        Expected = new Dictionary<string, string>
        {
            ["Shapes.cs"] = Shapes
                .Replace("double Area();", "double Area();\n    string Name { get; }")
                .Replace("public double Area() => 3.14; }", "public double Area() => 3.14; public string Name => throw new System.NotImplementedException(); }")
                .Replace("    public double Area() => 1;\n}", "    public double Area() => 1;\n\n    public string Name => throw new System.NotImplementedException();\n}"),
        },
    };

    private const string Status = """
        namespace Shop;
        public enum Status { Open, Closed }

        public static class Labels
        {
            public static string Of(Status status) => status switch
            {
                Status.Open => "open",
                Status.Closed => "closed",
            };

            public static string Short(Status status) => status switch
            {
                Status.Open => "o",
                _ => "-",
            };
        }
        """;

    public static readonly NextEditScenario EnumMember = new("add an enum member used by a switch expression",
        Files(("Status.cs", Status)), "Status.cs", "Open, Closed }", "Open, Closed, Archived }")
    {
        Kinds = [EditKind.EnumMemberAdded],
        Expected = new Dictionary<string, string>
        {
            ["Status.cs"] = Status.Replace("Open, Closed }", "Open, Closed, Archived }")
                .Replace("Status.Closed => \"closed\",", "Status.Closed => \"closed\",\n        Status.Archived => throw new System.NotImplementedException(),"),
        },
    };

    private const string Store = """
        using System.Threading.Tasks;
        namespace Shop;
        public sealed class Store
        {
            public int Load() { return 42; }
        }

        public static class Use
        {
            public static async Task<int> First(Store store)
            {
                var x = store.Load();
                return x + 1;
            }

            public static int Second(Store store)
            {
                int y = store.Load();
                return y;
            }
        }
        """;

    public static readonly NextEditScenario MakeAsync = new("make a method async with 2 callers",
        Files(("Store.cs", Store)), "Store.cs", "public int Load() { return 42; }", "public async Task<int> Load() { await Task.Yield(); return 42; }")
    {
        Kinds = [EditKind.MadeAsync],
        Expected = new Dictionary<string, string>
        {
            ["Store.cs"] = Store.Replace("public int Load() { return 42; }", "public async Task<int> Load() { await Task.Yield(); return 42; }")
                .Replace("var x = store.Load();", "var x = await store.Load();")
                .Replace("public static int Second", "public static async Task<int> Second")
                .Replace("int y = store.Load();", "int y = await store.Load();"),
        },
    };

    public static readonly NextEditScenario HalfTypedParameter = new("half-typed: a parameter without its name yet",
        Files(("Cart.cs", Cart), ("Checkout.cs", Checkout)), "Cart.cs", "decimal price)", "decimal price, CancellationToken)")
    {
        HalfTyped = true,
    };

    public static readonly NextEditScenario HalfTypedTypeName = new("half-typed: the parameter's type name is unfinished",
        Files(("Cart.cs", Cart), ("Checkout.cs", Checkout)), "Cart.cs", "decimal price)", "decimal price, CancellationTok ct)")
    {
        HalfTyped = true,
    };

    public static readonly NextEditScenario AlreadyFixed = new("the user already fixed the breakage: nothing to propose",
        Files(("Counter.cs", Counter)), "Counter.cs", "private int _count;\n\n    public void Increment() => _count++;\n\n    public int Read()\n    {\n        return _count;",
        "private int _total;\n\n    public void Increment() => _total++;\n\n    public int Read()\n    {\n        return _total;");

    private const string Pricing = """
        namespace Shop;
        public static class Pricing
        {
            public static decimal Net(decimal gross, decimal rate) => gross / (1 + rate);

            public static decimal Apply() => Net(119m, 0.19m);
        }
        """;

    public static readonly NextEditScenario RemoveParameter = new("remove a parameter",
        Files(("Pricing.cs", Pricing)), "Pricing.cs", "Net(decimal gross, decimal rate) => gross / (1 + rate)", "Net(decimal gross) => gross / 1.19m")
    {
        Kinds = [EditKind.ParameterRemoved],
        Expected = new Dictionary<string, string>
        {
            ["Pricing.cs"] = Pricing.Replace("Net(decimal gross, decimal rate) => gross / (1 + rate)", "Net(decimal gross) => gross / 1.19m").Replace("Net(119m, 0.19m)", "Net(119m)"),
        },
    };

    private const string Greeter = """
        namespace Shop;
        public static class Greeter
        {
            public static string Greet(string name, int times) => string.Concat(System.Linq.Enumerable.Repeat(name, times));

            public static string Hello() => Greet("hi", 3);
        }
        """;

    public static readonly NextEditScenario ReorderParameters = new("reorder parameters",
        Files(("Greeter.cs", Greeter)), "Greeter.cs", "Greet(string name, int times)", "Greet(int times, string name)")
    {
        Kinds = [EditKind.ParametersReordered],
        Expected = new Dictionary<string, string>
        {
            ["Greeter.cs"] = Greeter.Replace("Greet(string name, int times)", "Greet(int times, string name)").Replace("Greet(\"hi\", 3)", "Greet(3, \"hi\")"),
        },
    };

    public static IEnumerable<NextEditScenario> All =>
    [
        AddParameter, RenameParameter, RenameField, RenamePrivateFieldOfPartial, RenamePrivateParameterNamedArgument, PropertyType, InterfaceMember, EnumMember, MakeAsync,
        RemoveParameter, ReorderParameters, HalfTypedParameter, HalfTypedTypeName, AlreadyFixed,
    ];
}
