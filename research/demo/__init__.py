"""Demo records of the research app for the seed (core/demo/extensions.py): a year of activities
of every form with sign-ins and outcomes (`activities`, order 300), subject-group life (`groups`,
310), collective preparation (`prep`, 320), homeroom meetings (`homeroom`, 330) and 送教 orders
(`orders`, 340). Each module registers its own extension."""

from research.demo import activities, groups, homeroom, orders, prep  # noqa: F401
