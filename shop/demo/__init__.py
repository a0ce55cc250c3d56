"""The demo shop that `make run` loads: its data (`data`), the product photos it draws (`art`) and the
seeding that puts them in the database (`seeding`). The ground floor's one declared exception: it uses
every domain package, and only `flask seed-demo` imports it, lazily."""
