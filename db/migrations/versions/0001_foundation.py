"""Foundation schema: organisation tree, customers, meters, readings, collection runs.

Revision ID: 0001
Revises: (none)
Create Date: 2026-11-21 05:10:44.518683
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('app_setting',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_app_setting'))
    )
    op.create_table('collection_run',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('trigger', sa.String(length=32), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('meters_planned', sa.Integer(), nullable=False),
    sa.Column('meters_ok', sa.Integer(), nullable=False),
    sa.Column('meters_failed', sa.Integer(), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.CheckConstraint("status IN ('running', 'finished', 'failed', 'cancelled')", name=op.f('ck_collection_run_status_valid')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_collection_run'))
    )
    with op.batch_alter_table('collection_run', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_collection_run_started_at'), ['started_at'], unique=False)

    op.create_table('company',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_company')),
    sa.UniqueConstraint('code', name=op.f('uq_company_code'))
    )
    op.create_table('customer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('address', sa.String(length=200), nullable=False),
    sa.Column('customer_class', sa.String(length=16), nullable=False),
    sa.Column('phone', sa.String(length=20), nullable=True),
    sa.CheckConstraint("customer_class IN ('residential', 'commercial', 'industrial', 'agricultural')", name=op.f('ck_customer_customer_class_valid')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_customer')),
    sa.UniqueConstraint('number', name=op.f('uq_customer_number'))
    )
    op.create_table('county',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('company_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['company_id'], ['company.id'], name=op.f('fk_county_company_id_company')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_county')),
    sa.UniqueConstraint('code', name=op.f('uq_county_code'))
    )
    with op.batch_alter_table('county', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_county_company_id'), ['company_id'], unique=False)

    op.create_table('substation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('county_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('voltage_kv', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['county_id'], ['county.id'], name=op.f('fk_substation_county_id_county')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_substation')),
    sa.UniqueConstraint('code', name=op.f('uq_substation_code'))
    )
    with op.batch_alter_table('substation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_substation_county_id'), ['county_id'], unique=False)

    op.create_table('supply_station',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('county_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['county_id'], ['county.id'], name=op.f('fk_supply_station_county_id_county')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_supply_station')),
    sa.UniqueConstraint('code', name=op.f('uq_supply_station_code'))
    )
    with op.batch_alter_table('supply_station', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_supply_station_county_id'), ['county_id'], unique=False)

    op.create_table('feeder',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('substation_id', sa.Integer(), nullable=False),
    sa.Column('supply_station_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['substation_id'], ['substation.id'], name=op.f('fk_feeder_substation_id_substation')),
    sa.ForeignKeyConstraint(['supply_station_id'], ['supply_station.id'], name=op.f('fk_feeder_supply_station_id_supply_station')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feeder')),
    sa.UniqueConstraint('code', name=op.f('uq_feeder_code'))
    )
    with op.batch_alter_table('feeder', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_feeder_substation_id'), ['substation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_feeder_supply_station_id'), ['supply_station_id'], unique=False)

    op.create_table('transformer_area',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('feeder_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('rated_kva', sa.Integer(), nullable=False),
    sa.Column('area_class', sa.String(length=16), nullable=False),
    sa.Column('longitude', sa.Double(), nullable=True),
    sa.Column('latitude', sa.Double(), nullable=True),
    sa.CheckConstraint("area_class IN ('urban', 'rural', 'remote')", name=op.f('ck_transformer_area_area_class_valid')),
    sa.ForeignKeyConstraint(['feeder_id'], ['feeder.id'], name=op.f('fk_transformer_area_feeder_id_feeder')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_transformer_area')),
    sa.UniqueConstraint('code', name=op.f('uq_transformer_area_code'))
    )
    with op.batch_alter_table('transformer_area', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_transformer_area_feeder_id'), ['feeder_id'], unique=False)

    op.create_table('meter',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('asset_no', sa.String(length=32), nullable=False),
    sa.Column('comm_address', sa.String(length=12), nullable=False),
    sa.Column('protocol', sa.String(length=24), nullable=False),
    sa.Column('link_url', sa.String(length=200), nullable=False),
    sa.Column('transformer_area_id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=True),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('ct_ratio', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('last_read_at', sa.DateTime(), nullable=True),
    sa.Column('last_read_ok', sa.Boolean(), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.CheckConstraint("role IN ('customer', 'summary')", name=op.f('ck_meter_role_valid')),
    sa.CheckConstraint("status IN ('active', 'removed')", name=op.f('ck_meter_status_valid')),
    sa.CheckConstraint('ct_ratio >= 1', name=op.f('ck_meter_ct_ratio_positive')),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_meter_customer_id_customer')),
    sa.ForeignKeyConstraint(['transformer_area_id'], ['transformer_area.id'], name=op.f('fk_meter_transformer_area_id_transformer_area')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meter')),
    sa.UniqueConstraint('asset_no', name=op.f('uq_meter_asset_no')),
    sa.UniqueConstraint('link_url', 'comm_address', name=op.f('uq_meter_link_url_comm_address'))
    )
    with op.batch_alter_table('meter', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meter_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_meter_transformer_area_id'), ['transformer_area_id'], unique=False)

    op.create_table('daily_freeze',
    sa.Column('meter_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('forward_active_wh', sa.BigInteger(), nullable=False),
    sa.Column('collected_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['meter_id'], ['meter.id'], name=op.f('fk_daily_freeze_meter_id_meter')),
    sa.PrimaryKeyConstraint('meter_id', 'day', name=op.f('pk_daily_freeze'))
    )
    with op.batch_alter_table('daily_freeze', schema=None) as batch_op:
        batch_op.create_index('ix_daily_freeze_day', ['day'], unique=False)

    op.create_table('interval_reading',
    sa.Column('meter_id', sa.Integer(), nullable=False),
    sa.Column('slot_start', sa.DateTime(), nullable=False),
    sa.Column('active_power_w', sa.Integer(), nullable=False),
    sa.Column('forward_active_wh', sa.BigInteger(), nullable=True),
    sa.Column('read_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['meter_id'], ['meter.id'], name=op.f('fk_interval_reading_meter_id_meter')),
    sa.PrimaryKeyConstraint('meter_id', 'slot_start', name=op.f('pk_interval_reading'))
    )
    with op.batch_alter_table('interval_reading', schema=None) as batch_op:
        batch_op.create_index('ix_interval_reading_slot_start', ['slot_start'], unique=False)

    op.create_table('register_reading',
    sa.Column('meter_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('forward_active_wh', sa.BigInteger(), nullable=False),
    sa.Column('read_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['meter_id'], ['meter.id'], name=op.f('fk_register_reading_meter_id_meter')),
    sa.PrimaryKeyConstraint('meter_id', 'day', name=op.f('pk_register_reading'))
    )
    with op.batch_alter_table('register_reading', schema=None) as batch_op:
        batch_op.create_index('ix_register_reading_day', ['day'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('register_reading', schema=None) as batch_op:
        batch_op.drop_index('ix_register_reading_day')

    op.drop_table('register_reading')
    with op.batch_alter_table('interval_reading', schema=None) as batch_op:
        batch_op.drop_index('ix_interval_reading_slot_start')

    op.drop_table('interval_reading')
    with op.batch_alter_table('daily_freeze', schema=None) as batch_op:
        batch_op.drop_index('ix_daily_freeze_day')

    op.drop_table('daily_freeze')
    with op.batch_alter_table('meter', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meter_transformer_area_id'))
        batch_op.drop_index(batch_op.f('ix_meter_customer_id'))

    op.drop_table('meter')
    with op.batch_alter_table('transformer_area', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_transformer_area_feeder_id'))

    op.drop_table('transformer_area')
    with op.batch_alter_table('feeder', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feeder_supply_station_id'))
        batch_op.drop_index(batch_op.f('ix_feeder_substation_id'))

    op.drop_table('feeder')
    with op.batch_alter_table('supply_station', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_supply_station_county_id'))

    op.drop_table('supply_station')
    with op.batch_alter_table('substation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_substation_county_id'))

    op.drop_table('substation')
    with op.batch_alter_table('county', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_county_company_id'))

    op.drop_table('county')
    op.drop_table('customer')
    op.drop_table('company')
    with op.batch_alter_table('collection_run', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_collection_run_started_at'))

    op.drop_table('collection_run')
    op.drop_table('app_setting')
